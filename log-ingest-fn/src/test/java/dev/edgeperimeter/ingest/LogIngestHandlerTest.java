package dev.edgeperimeter.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The thin handler: real API Gateway REST proxy events (the samples in events/log-ingest) in, HTTP answers out. */
class LogIngestHandlerTest {
  private static final Path EVENTS = Path.of("..", "events", "log-ingest");
  private final Clock clock = Clock.fixed(Instant.parse("2026-11-25T12:00:05Z"), ZoneOffset.UTC);
  private final InMemoryLogStore store = new InMemoryLogStore();
  private final LogIngestHandler handler = new LogIngestHandler(
      new LogIngestService(IngestLimits.DEFAULT_MAX_BODY_BYTES, clock, store, new InMemoryLedger(), IngestMetrics.NONE),
      IngestLimits.DEFAULT_MAX_BODY_BYTES);

  private APIGatewayProxyResponseEvent invoke(String sample) {
    APIGatewayProxyRequestEvent event = EventLoader.loadApiGatewayRestEvent(EVENTS.resolve(sample).toString());
    return handler.handleRequest(event, null);
  }

  @Test
  @DisplayName("sample edgeworker-batch.json: 200, 3 accepted, JSON response")
  void edgeWorkerSample() {
    APIGatewayProxyResponseEvent r = invoke("edgeworker-batch.json");
    assertThat(r.getStatusCode()).isEqualTo(200);
    assertThat(r.getHeaders()).containsEntry("Content-Type", "application/json");
    assertThat(Json.map(r.getBody())).containsEntry("accepted", 3);
    assertThat(store.stored).extracting(InMemoryLogStore.Stored::stream).containsOnly("edgeworker/1234567/2026-11-25");
  }

  @Test
  @DisplayName("samples datastream2-ndjson.json and datastream2-gzip.json store the same events")
  void dataStream2Samples() {
    APIGatewayProxyResponseEvent plain = invoke("datastream2-ndjson.json");
    assertThat(plain.getStatusCode()).isEqualTo(200);
    assertThat(Json.map(plain.getBody())).containsEntry("accepted", 5);
    // same decompressed bytes = same identity: through this handler it is a duplicate, stored once
    APIGatewayProxyResponseEvent duplicate = invoke("datastream2-gzip.json");
    assertThat(duplicate.getBody()).isEqualTo(plain.getBody());
    assertThat(store.stored).hasSize(5);
    // through a fresh ledger it stores exactly what the plain body stored
    InMemoryLogStore other = new InMemoryLogStore();
    LogIngestHandler fresh = new LogIngestHandler(new LogIngestService(IngestLimits.DEFAULT_MAX_BODY_BYTES, clock, other,
        new InMemoryLedger(), IngestMetrics.NONE), IngestLimits.DEFAULT_MAX_BODY_BYTES);
    APIGatewayProxyResponseEvent gz = fresh.handleRequest(
        EventLoader.loadApiGatewayRestEvent(EVENTS.resolve("datastream2-gzip.json").toString()), null);
    assertThat(gz.getStatusCode()).isEqualTo(200);
    assertThat(other.stored).isEqualTo(store.stored);
  }

  @Test
  @DisplayName("headers are matched case-insensitively, from headers or multiValueHeaders")
  void headerLookup() {
    APIGatewayProxyRequestEvent e = new APIGatewayProxyRequestEvent()
        .withHeaders(Map.of("content-encoding", "gzip"))
        .withMultiValueHeaders(Map.of("CONTENT-TYPE", java.util.List.of("application/x-ndjson")));
    assertThat(LogIngestHandler.header(e, "Content-Encoding")).isEqualTo("gzip");
    assertThat(LogIngestHandler.header(e, "Content-Type")).isEqualTo("application/x-ndjson");
    assertThat(LogIngestHandler.header(new APIGatewayProxyRequestEvent(), "Content-Type")).isNull();
  }

  @Test
  @DisplayName("no body, invalid base64, oversized body: 400/400/413 with a JSON error")
  void refusedBodies() {
    assertThat(handler.handleRequest(new APIGatewayProxyRequestEvent(), null).getStatusCode()).isEqualTo(400);
    APIGatewayProxyResponseEvent bad64 = handler.handleRequest(
        new APIGatewayProxyRequestEvent().withBody("@@not base64@@").withIsBase64Encoded(true), null);
    assertThat(bad64.getStatusCode()).isEqualTo(400);
    assertThat(Json.map(bad64.getBody())).containsKey("error");
    String huge = "x".repeat(IngestLimits.DEFAULT_MAX_BODY_BYTES + 70 * 1024);
    assertThat(handler.handleRequest(new APIGatewayProxyRequestEvent().withBody(huge), null).getStatusCode()).isEqualTo(413);
    String huge64 = "A".repeat((IngestLimits.DEFAULT_MAX_BODY_BYTES + 64 * 1024) / 3 * 4 + 16);
    assertThat(handler.handleRequest(new APIGatewayProxyRequestEvent().withBody(huge64).withIsBase64Encoded(true), null)
        .getStatusCode()).isEqualTo(413);
  }

  @Test
  @DisplayName("an unexpected failure in the core is a 500 with a JSON error, never an exception")
  void unexpectedFailure() {
    LogStore broken = (batch, events, budget) -> {
      throw new IllegalStateException("bug");
    };
    LogIngestHandler h = new LogIngestHandler(
        new LogIngestService(1024 * 1024, clock, broken, new InMemoryLedger(), IngestMetrics.NONE), 1024 * 1024);
    APIGatewayProxyResponseEvent r = h.handleRequest(
        EventLoader.loadApiGatewayRestEvent(EVENTS.resolve("edgeworker-batch.json").toString()), null);
    assertThat(r.getStatusCode()).isEqualTo(500);
    assertThat(Json.map(r.getBody())).containsEntry("error", "internal error");
  }

  @Test
  @DisplayName("SnapStart priming runs the parse path on its built-in samples without any network")
  void primingRuns() {
    Priming.run();
  }
}
