package dev.edgeperimeter.ingest;

import static dev.edgeperimeter.ingest.Samples.NOW;
import static dev.edgeperimeter.ingest.Samples.NOW_SEC;
import static dev.edgeperimeter.ingest.Samples.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Duplicate keys: a record with two members of the same name (at any depth) is ambiguous, so it is
 * rejected as invalid JSON and the rest of the body is kept — the same whether the NDJSON fast path
 * (which checks duplicates itself) or the per-line fallback (Jackson's strict detection) reads it.
 * Inside a JSON array body or an EdgeWorker batch a duplicate makes the whole body unreadable.
 */
class DuplicateKeyTest {
  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

  private PreparedBody prepare(String body) throws IngestException {
    return new IngestPipeline(clock).prepare(utf8(body), "application/x-ndjson");
  }

  private static String good(String reqId) {
    return "{\"reqTimeSec\":\"" + NOW_SEC + "\",\"reqId\":\"" + reqId + "\",\"streamId\":\"12345\",\"UA\":\"curl%2F8\"}";
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "{\"reqTimeSec\":\"%d\",\"reqId\":\"dup\",\"cp\":\"1\",\"cp\":\"2\"}",
      "{\"reqTimeSec\":\"%d\",\"reqId\":\"dup\",\"reqId\":\"again\"}",
      "{\"reqTimeSec\":\"%d\",\"reqTimeSec\":\"%d\"}",
      "{\"reqTimeSec\":\"%d\",\"nested\":{\"a\":1,\"a\":2}}",
      "{\"reqTimeSec\":\"%d\",\"nested\":[{\"a\":{\"b\":1,\"b\":1}}]}",
      "{\"time\":\"%d000000000\",\"ds2id\":\"1\",\"attributes\":{\"request_id\":\"r\",\"request_id\":\"s\"}}"})
  @DisplayName("a DataStream 2 record with a duplicate key is rejected as invalid JSON; the others are stored")
  void duplicateRecordRejected(String template) throws Exception {
    String dup = template.replace("%d", Long.toString(NOW_SEC));
    PreparedBody body = prepare(good("a") + "\n" + dup + "\n" + good("b") + "\n");
    assertThat(body.rejections()).extracting(Rejection::index).containsExactly(1);
    assertThat(body.rejections().get(0).reason()).isEqualTo(RejectReason.INVALID_JSON.message());
    assertThat(Json.events(body)).extracting(e -> e.get("reqId")).containsExactly("a", "b");
  }

  @Test
  @DisplayName("the same names in every record, in any order, are not duplicates")
  void sameNamesAcrossRecords() throws Exception {
    String reordered = "{\"UA\":\"curl%2F8\",\"streamId\":\"12345\",\"reqId\":\"c\",\"reqTimeSec\":\"" + NOW_SEC + "\"}";
    PreparedBody body = prepare(good("a") + "\n" + reordered + "\n" + good("b") + "\n" + reordered.replace("\"c\"", "\"d\""));
    assertThat(body.rejections()).isEmpty();
    List<Map<String, Object>> events = Json.events(body);
    assertThat(events).extracting(e -> e.get("reqId")).containsExactlyInAnyOrder("a", "b", "c", "d");
  }

  @Test
  @DisplayName("a line holding an array with a duplicate key is rejected as invalid JSON, not as a non-object")
  void duplicateInsideNonObjectLine() throws Exception {
    PreparedBody body = prepare(good("a") + "\n[{\"x\":1,\"x\":2}]\n" + good("b") + "\n");
    assertThat(body.rejections()).extracting(Rejection::index).containsExactly(1);
    assertThat(body.rejections().get(0).reason()).isEqualTo(RejectReason.INVALID_JSON.message());
  }

  @Test
  @DisplayName("a JSON array body with a duplicate key in a record is unreadable (400)")
  void duplicateInArrayBody() {
    String body = "[" + good("a") + ",{\"reqTimeSec\":\"" + NOW_SEC + "\",\"cp\":\"1\",\"cp\":\"2\"}]";
    assertThatThrownBy(() -> new IngestPipeline(clock).prepare(utf8(body), "application/json"))
        .isInstanceOf(IngestException.class)
        .hasMessageContaining("Duplicate field 'cp'");
  }
}
