package dev.edgeperimeter.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Contract §3: bodies are UTF-8 JSON. Any other byte sequence (leading NUL bytes, byte-order
 * marks, UTF-16/32 text) is a 400 with the JSON error, or a per-record rejection; never a 500.
 */
class NonUtf8BodyTest {
  private static final Clock CLOCK = Clock.fixed(Samples.NOW, ZoneOffset.UTC);
  private static final String RECORD = "{\"reqTimeSec\":\"" + Samples.NOW_SEC + "\",\"reqId\":\"r1\",\"statusCode\":\"200\"}";

  private final InMemoryLogStore store = new InMemoryLogStore();

  private IngestResponse ingest(byte[] body) {
    LogIngestService service = new LogIngestService(64 * 1024, CLOCK, store, new InMemoryLedger(), IngestMetrics.NONE);
    return service.ingest(new IngestRequest(body, "application/json", null), TimeBudget.unlimited());
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static byte[] bytes(int... b) {
    byte[] out = new byte[b.length];
    for (int i = 0; i < b.length; i++) {
      out[i] = (byte) b[i];
    }
    return out;
  }

  private void assertRefusedWhole(IngestResponse r) {
    assertThat(r.status()).isEqualTo(400);
    assertThat(Json.map(r.body())).containsOnlyKeys("error");
    assertThat((String) Json.map(r.body()).get("error")).contains("UTF-8");
    assertThat(store.stored).isEmpty();
  }

  @Test
  @DisplayName("a body whose first byte is NUL is a 400 with a JSON error (was a 500)")
  void leadingNul() {
    assertRefusedWhole(ingest(concat(bytes(0), Samples.utf8(RECORD))));
  }

  @Test
  @DisplayName("a body of several NUL bytes, or NUL then JSON, is a 400")
  void nulBytesOnly() {
    assertRefusedWhole(ingest(bytes(0, 0, 0, 0)));
    assertRefusedWhole(ingest(concat(bytes(0, 0), Samples.utf8("[" + RECORD + "]"))));
  }

  @Test
  @DisplayName("a body that starts with a UTF-16 byte-order mark (LE or BE) is a 400 (was a 500)")
  void utf16ByteOrderMark() {
    assertRefusedWhole(ingest(RECORD.getBytes(Charset.forName("UTF-16"))));  // BE with BOM
    assertRefusedWhole(ingest(concat(bytes(0xff, 0xfe), RECORD.getBytes(StandardCharsets.UTF_16LE))));
  }

  @Test
  @DisplayName("UTF-16 and UTF-32 text without a byte-order mark is a 400")
  void utf16And32WithoutBom() {
    assertRefusedWhole(ingest(RECORD.getBytes(StandardCharsets.UTF_16BE)));
    assertRefusedWhole(ingest(RECORD.getBytes(StandardCharsets.UTF_16LE)));
    assertRefusedWhole(ingest(("[" + RECORD + "]").getBytes(Charset.forName("UTF-32BE"))));
    assertRefusedWhole(ingest(("[" + RECORD + "]").getBytes(Charset.forName("UTF-32LE"))));
  }

  @Test
  @DisplayName("a UTF-8 or UTF-32 byte-order mark is a 400: JSON on the wire carries none (RFC 8259 §8.1)")
  void otherByteOrderMarks() {
    assertRefusedWhole(ingest(concat(bytes(0xef, 0xbb, 0xbf), Samples.utf8(RECORD))));
    assertRefusedWhole(ingest(concat(bytes(0, 0, 0xfe, 0xff), ("[" + RECORD + "]").getBytes(Charset.forName("UTF-32BE")))));
    assertRefusedWhole(ingest(concat(bytes(0xff, 0xfe, 0, 0), ("[" + RECORD + "]").getBytes(Charset.forName("UTF-32LE")))));
  }

  @Test
  @DisplayName("an NDJSON line that starts with NUL bytes or a BOM is rejected alone; the other lines are stored")
  void badLineRejectedAlone() {
    byte[] body = concat(Samples.utf8(RECORD + "\n"), concat(bytes(0, 0x7b, 0, 0x7d, '\n'),
        concat(bytes(0xef, 0xbb, 0xbf), Samples.utf8(RECORD + "\n" + RECORD))));
    IngestResponse r = ingest(body);
    assertThat(r.status()).isEqualTo(200);
    Map<String, Object> json = Json.map(r.body());
    assertThat(json).containsEntry("accepted", 2);
    assertThat(((List<?>) json.get("rejected")).stream().map(x -> (Object) ((Map<?, ?>) x).get("index")).toList()).containsExactly(1, 2);
    assertThat(store.stored).hasSize(2);
  }

  @Test
  @DisplayName("through the Lambda handler: a NUL-led and a UTF-16 body answer 400, never 500")
  void handlerNever500() {
    LogIngestService service = new LogIngestService(64 * 1024, CLOCK, store, new InMemoryLedger(), IngestMetrics.NONE);
    LogIngestHandler handler = new LogIngestHandler(service, 64 * 1024);
    for (byte[] body : List.of(concat(bytes(0), Samples.utf8(RECORD)), RECORD.getBytes(Charset.forName("UTF-16")))) {
      var event = new com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent()
          .withIsBase64Encoded(true)
          .withBody(java.util.Base64.getEncoder().encodeToString(body));
      var response = handler.handleRequest(event, null);
      assertThat(response.getStatusCode()).isEqualTo(400);
      assertThat(Json.map(response.getBody())).containsKey("error");
    }
  }
}
