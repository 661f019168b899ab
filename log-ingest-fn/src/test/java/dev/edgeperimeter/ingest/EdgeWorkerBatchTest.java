package dev.edgeperimeter.ingest;

import static dev.edgeperimeter.ingest.Samples.NOW;
import static dev.edgeperimeter.ingest.Samples.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Contract §3, format 1: the EdgeWorker batch. */
class EdgeWorkerBatchTest {
  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
  private final long ts = NOW.toEpochMilli() - 60_000;

  private PreparedBody prepare(String body) throws IngestException {
    return new IngestPipeline(clock).prepare(utf8(body), "application/json");
  }

  private static int status(ThrowingPrepare call) {
    try {
      call.run();
      throw new AssertionError("expected IngestException");
    } catch (IngestException e) {
      return e.status();
    }
  }

  private interface ThrowingPrepare {
    void run() throws IngestException;
  }

  @Test
  @DisplayName("the contract example is stored with ts, reqId, ew and attrs")
  void contractExample() throws Exception {
    PreparedBody body = prepare("{\"v\":1,\"source\":\"edgeworker\",\"batchId\":\"5f0c6c1e-1d5e-4e0a-9a37-1d2b8c1f0a11\",\"events\":["
        + "{\"ts\":" + ts + ",\"reqId\":\"abc\",\"level\":\"info\",\"msg\":\"hello\",\"ew\":{\"id\":1234567,\"version\":\"1.4.2\","
        + "\"handler\":\"onClientRequest\"},\"attrs\":{\"k\":\"v\"}}]}");
    assertThat(body.format()).isEqualTo(BodyFormat.EDGEWORKER_BATCH);
    assertThat(body.identity()).isEqualTo("ew#5f0c6c1e-1d5e-4e0a-9a37-1d2b8c1f0a11");
    Map<String, Object> e = Json.events(body).get(0);
    assertThat(e).containsEntry("ts", ts).containsEntry("reqId", "abc").containsEntry("source", "edgeworker")
        .containsEntry("kind", "ew-log").containsEntry("level", "info").containsEntry("msg", "hello")
        .containsEntry("ew", Map.of("id", 1234567, "version", "1.4.2", "handler", "onClientRequest"))
        .containsEntry("attrs", Map.of("k", "v"));
    assertThat(body.events().streamName(0)).isEqualTo("edgeworker/1234567/2026-11-25");
  }

  @Test
  @DisplayName("members in any order; events before batchId")
  void memberOrder() throws Exception {
    PreparedBody body = prepare("{\"events\":[" + Samples.edgeWorkerEvent(0, ts, "warn") + "],\"batchId\":\"b-1\",\"source\":\"edgeworker\",\"v\":1}");
    assertThat(body.identity()).isEqualTo("ew#b-1");
    assertThat(body.events().count()).isEqualTo(1);
  }

  @Test
  @DisplayName("error-level events count as EdgeWorker errors by id and handler; levels by severity")
  void errorStats() throws Exception {
    PreparedBody body = new IngestPipeline(clock).prepare(Samples.edgeWorkerBatch("b-2", 8, ts), "application/json");
    assertThat(body.stats().edgeWorkerErrors()).isEqualTo(Map.of("1234567", Map.of("onClientRequest", 2)));
    assertThat(body.stats().severities()).isEqualTo(Map.of("error", 2, "info", 6));
  }

  @Test
  @DisplayName("events without a usable ts, non-objects and msg over 8 KiB are rejected individually")
  void eventRejections() throws Exception {
    PreparedBody body = prepare("{\"v\":1,\"source\":\"edgeworker\",\"batchId\":\"b-3\",\"events\":["
        + Samples.edgeWorkerEvent(0, ts, "info") + ",{\"reqId\":\"no-ts\"},\"text\",{\"ts\":\"soon\"},"
        + "{\"ts\":" + ts + ",\"msg\":\"" + "é".repeat(4097) + "\"},{\"ts\":" + ts + ",\"msg\":\"" + "x".repeat(8192) + "\"}]}");
    assertThat(body.rejections()).containsExactly(
        new Rejection(1, "no usable timestamp"), new Rejection(2, "record is not a JSON object"),
        new Rejection(3, "no usable timestamp"), new Rejection(4, RejectReason.MESSAGE_TOO_LARGE.message()));
    assertThat(body.events().count()).isEqualTo(2);
  }

  @Test
  @DisplayName("10,000 events are accepted, 10,001 are 413")
  void eventLimit() throws Exception {
    assertThat(new IngestPipeline(clock).prepare(Samples.edgeWorkerBatch("b-4", 10_000, ts), null).events().count())
        .isEqualTo(10_000);
    assertThat(status(() -> new IngestPipeline(clock).prepare(Samples.edgeWorkerBatch("b-5", 10_001, ts), null))).isEqualTo(413);
  }

  @Test
  @DisplayName("an invalid batch envelope is 400: version, source, batchId, events")
  void envelope() {
    String ev = "[" + Samples.edgeWorkerEvent(0, ts, "info") + "]";
    assertThat(status(() -> prepare("{\"v\":2,\"source\":\"edgeworker\",\"batchId\":\"b\",\"events\":" + ev + "}"))).isEqualTo(400);
    assertThat(status(() -> prepare("{\"v\":1,\"source\":\"other\",\"batchId\":\"b\",\"events\":" + ev + "}"))).isEqualTo(400);
    assertThat(status(() -> prepare("{\"v\":1,\"source\":\"edgeworker\",\"batchId\":\"a b\",\"events\":" + ev + "}"))).isEqualTo(400);
    assertThat(status(() -> prepare("{\"v\":1,\"source\":\"edgeworker\",\"events\":" + ev + "}"))).isEqualTo(400);
    assertThat(status(() -> prepare("{\"v\":1,\"source\":\"edgeworker\",\"batchId\":\"b\"}"))).isEqualTo(400);
    assertThat(status(() -> prepare("{\"v\":1,\"source\":\"edgeworker\",\"batchId\":\"b\",\"events\":{}}"))).isEqualTo(400);
    assertThat(status(() -> prepare("{\"v\":1,\"source\":\"edgeworker\",\"batchId\":\"b\",\"events\":" + ev + "} {}"))).isEqualTo(400);
    assertThat(status(() -> prepare("{\"v\":1,\"source\":\"edgeworker\",\"batchId\":\"b\",\"events\":[{\"ts\":1,}]}"))).isEqualTo(400);
  }
}
