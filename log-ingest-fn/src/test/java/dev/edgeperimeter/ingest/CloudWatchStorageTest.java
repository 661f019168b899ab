package dev.edgeperimeter.ingest;

import dev.edgeperimeter.ingest.normalize.UrlDecoding;
import dev.edgeperimeter.ingest.normalize.Ds2Fields;
import static dev.edgeperimeter.ingest.Samples.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.edgeperimeter.testsupport.MotoExtension;
import dev.edgeperimeter.testsupport.MotoServer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilteredLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.RejectedLogEventsInfo;

/** Stored events, read back from CloudWatch Logs (moto), equal the input records field for field. */
@ExtendWith(MotoExtension.class)
class CloudWatchStorageTest {
  private final MotoServer server;

  CloudWatchStorageTest(MotoServer server) {
    this.server = server;
  }

  /**
   * Every input field is in the stored event: equal, or decoded (URL-encoded fields), or the same
   * digits as a JSON number (numeric strings); the only additions are the normalized head fields
   * (with the event id {@code eid}) and the parsed {@code ewUsage}/{@code ewExecution}.
   */
  static void assertSameFields(Map<String, Object> stored, Map<String, Object> input) {
    for (Map.Entry<String, Object> f : input.entrySet()) {
      String name = f.getKey();
      Object in = f.getValue();
      if (name.equals("reqId")) {
        assertThat(stored.get("reqId")).as(name).isEqualTo(in);
        continue;
      }
      assertThat(stored).as("stored event has " + name).containsKey(name);
      Object out = stored.get(name);
      if (Ds2Fields.URL_ENCODED.contains(name) && in instanceof String s) {
        assertThat(out).as(name).isEqualTo(UrlDecoding.decode(s));
      } else if (Ds2Fields.NUMERIC.contains(name) && in instanceof String s && out instanceof Number) {
        assertThat(new java.math.BigDecimal(out.toString())).as(name).isEqualByComparingTo(new java.math.BigDecimal(s));
      } else {
        assertThat(out).as(name).isEqualTo(in);
      }
    }
    List<String> added = new ArrayList<>(stored.keySet());
    added.removeAll(input.keySet());
    assertThat(added).isSubsetOf("ts", "eid", "reqId", "source", "kind", "ewUsage", "ewExecution");
  }

  @Test
  @DisplayName("DataStream 2 NDJSON (CDN + JavaScript log records): stored field for field, in day streams")
  void ds2RoundTrip() {
    MotoFixture fx = new MotoFixture(server);
    long nowSec = Instant.now().getEpochSecond() - 30;
    List<String> records = List.of(
        Samples.cdnRecord(1, nowSec, "250"),
        Samples.cdnRecord(2, nowSec - 1, null),
        Samples.jsLogRecord(3, (nowSec - 2) * 1_000_000_000L + 5, "INFO"),
        "{\"reqTimeSec\":\"" + nowSec + "\",\"reqId\":\"sparse\",\"streamId\":\"12345\"}");
    IngestResponse response = fx.service().ingest(
        new IngestRequest(utf8(String.join("\n", records) + "\n"), "application/x-ndjson", null), TimeBudget.unlimited());
    assertThat(response.status()).isEqualTo(200);
    assertThat(Json.map(response.body())).containsEntry("accepted", 4).containsEntry("rejected", List.of());

    List<FilteredLogEvent> stored = fx.storedEvents();
    assertThat(stored).hasSize(4);
    Map<String, Map<String, Object>> byReqId = stored.stream().map(e -> Json.map(e.message()))
        .collect(Collectors.toMap(m -> (String) m.get("reqId"), m -> m));
    for (String record : records) {
      Map<String, Object> input = Json.map(record);
      String reqId = input.containsKey("reqId") ? (String) input.get("reqId")
          : (String) ((Map<?, ?>) input.get("attributes")).get("request_id");
      assertSameFields(byReqId.get(reqId), input);
    }
    String day = java.time.LocalDate.ofInstant(Instant.ofEpochSecond(nowSec), java.time.ZoneOffset.UTC).toString();
    assertThat(stored).extracting(FilteredLogEvent::logStreamName)
        .containsOnly("ds2/12345/" + day, "ds2/67890/" + day);
    // CloudWatch's own timestamp is the record's
    assertThat(stored).allSatisfy(e -> assertThat(e.timestamp()).isEqualTo(((Number) Json.map(e.message()).get("ts")).longValue()));
  }

  @Test
  @DisplayName("gzip DataStream 2 body through the handler (API Gateway base64 body) is stored")
  void gzipThroughHandler() {
    MotoFixture fx = new MotoFixture(server);
    long nowSec = Instant.now().getEpochSecond() - 30;
    byte[] body = Samples.ndjson(50, nowSec);
    APIGatewayProxyRequestEvent event = new APIGatewayProxyRequestEvent()
        .withHttpMethod("POST").withPath("/edge/logs")
        .withHeaders(Map.of("content-type", "application/json", "content-encoding", "gzip"))
        .withIsBase64Encoded(true)
        .withBody(Base64.getEncoder().encodeToString(Samples.gzip(body)));
    APIGatewayProxyResponseEvent response = new LogIngestHandler(fx.service(), IngestLimits.DEFAULT_MAX_BODY_BYTES)
        .handleRequest(event, null);
    assertThat(response.getStatusCode()).isEqualTo(200);
    assertThat(Json.map(response.getBody())).containsEntry("accepted", 50);
    assertThat(fx.storedEvents()).hasSize(50);
  }

  @Test
  @DisplayName("EdgeWorker batch: events stored in edgeworker/<ewId>/<day>, fields preserved")
  void edgeWorkerRoundTrip() {
    MotoFixture fx = new MotoFixture(server);
    long ts = Instant.now().toEpochMilli() - 10_000;
    byte[] batch = Samples.edgeWorkerBatch("rt-" + ts, 3, ts);
    IngestResponse response = fx.service().ingest(new IngestRequest(batch, "application/json", null), TimeBudget.unlimited());
    assertThat(response.status()).isEqualTo(200);
    List<Map<String, Object>> stored = fx.storedMaps();
    assertThat(stored).hasSize(3);
    for (int i = 0; i < 3; i++) {
      Map<String, Object> input = Json.map(Samples.edgeWorkerEvent(i, ts + i, i % 4 == 0 ? "error" : "info"));
      Map<String, Object> out = stored.stream().filter(m -> m.get("reqId").equals(input.get("reqId"))).findFirst().orElseThrow();
      assertSameFields(out, input);
      assertThat(out).containsEntry("source", "edgeworker").containsEntry("kind", "ew-log");
    }
    String day = java.time.LocalDate.ofInstant(Instant.ofEpochMilli(ts), java.time.ZoneOffset.UTC).toString();
    assertThat(fx.storedEvents()).extracting(FilteredLogEvent::logStreamName).containsOnly("edgeworker/1234567/" + day);
  }

  @Test
  @DisplayName("rejectedLogEventsInfo of a 200 maps back to the records, with a reason")
  void rejectedLogEventsInfoMapping() {
    int[] members = {10, 11, 12, 13, 14};
    List<LogStore.EventRejection> r = CloudWatchLogStore.rejections(RejectedLogEventsInfo.builder()
        .tooOldLogEventEndIndex(0).expiredLogEventEndIndex(1).tooNewLogEventStartIndex(4).build(), members);
    assertThat(r).containsExactlyInAnyOrder(
        new LogStore.EventRejection(10, RejectReason.CLOUDWATCH_EXPIRED),
        new LogStore.EventRejection(11, RejectReason.CLOUDWATCH_EXPIRED),
        new LogStore.EventRejection(14, RejectReason.CLOUDWATCH_TOO_NEW));
    assertThat(CloudWatchLogStore.rejections(null, members)).isEmpty();
  }
}
