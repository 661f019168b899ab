package dev.edgeperimeter.ingest;

import static dev.edgeperimeter.ingest.Samples.NOW;
import static dev.edgeperimeter.ingest.Samples.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** PutLogEvents rules, at their exact edges. */
class PutLogEventsBatcherTest {
  private static final long HOUR = 3_600_000L;
  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
  private final long now = NOW.toEpochMilli();

  private PreparedBody ds2(StringBuilder lines) throws IngestException {
    return new IngestPipeline(clock).prepare(utf8(lines.toString()), "application/x-ndjson");
  }

  /** One JS log record per timestamp (ms), one DataStream 2 stream, same day unless told. */
  private static String line(long tsMillis, String body) {
    return "{\"time\":\"" + tsMillis * 1_000_000L + "\",\"ds2id\":\"1\",\"body\":\"" + body + "\"}\n";
  }

  private static void assertWithinRules(PreparedBody body) {
    for (LogBatch b : body.batches()) {
      assertThat(b.size()).isBetween(1, IngestLimits.MAX_BATCH_EVENTS);
      int bytes = 0;
      long first = body.events().timestamp(b.events()[0]);
      long previous = first;
      for (int e : b.events()) {
        int utf8 = body.events().message(e).getBytes(StandardCharsets.UTF_8).length;
        assertThat(utf8).isEqualTo(body.events().byteLength(e)).isLessThanOrEqualTo(IngestLimits.MAX_EVENT_BYTES);
        bytes += utf8 + 26;
        assertThat(body.events().timestamp(e)).isGreaterThanOrEqualTo(previous);
        previous = body.events().timestamp(e);
        assertThat(body.events().streamName(body.events().streamId(e))).isEqualTo(b.streamName());
      }
      assertThat(bytes).isEqualTo(b.bytes()).isLessThanOrEqualTo(IngestLimits.MAX_BATCH_BYTES);
      assertThat(previous - first).isLessThan(24 * HOUR);
    }
  }

  @Test
  @DisplayName("10,000 events fit one batch; 10,001 make two")
  void eventCountEdge() throws Exception {
    // tiny synthetic events (every stored event carries its id, so even minimal records would hit
    // the byte limit before 10,000): the count, not the byte limit, is what binds
    NormalizedEvents tenThousand = tinyEvents(10_000);
    assertThat(PutLogEventsBatcher.batch(tenThousand)).hasSize(1);
    assertThat(PutLogEventsBatcher.batch(tenThousand).get(0).bytes()).isLessThan(IngestLimits.MAX_BATCH_BYTES);
    NormalizedEvents events = tinyEvents(10_001);
    assertThat(PutLogEventsBatcher.batch(events)).extracting(LogBatch::size).containsExactly(10_000, 1);
  }

  private NormalizedEvents tinyEvents(int count) {
    NormalizedEvents events = new NormalizedEvents(1024);
    for (int i = 0; i < count; i++) {
      int off = events.sink().size();
      events.sink().writeAscii("{}");
      events.add(now - 1000, off, 2, i, "s");
    }
    return events;
  }

  @Test
  @DisplayName("byte limit counts UTF-8 bytes + 26 per event: exactly 1,048,576 fits, one byte more splits")
  void byteLimitEdgeMultiByte() throws Exception {
    // measure one event with a multi-byte body, then size the last one to land exactly on the limit
    String euro = "%E2%82%AC"; // "€" = 3 UTF-8 bytes
    PreparedBody probe = ds2(new StringBuilder(line(now, euro.repeat(1000))));
    int perEvent = probe.events().byteLength(0) + 26;
    int full = IngestLimits.MAX_BATCH_BYTES / perEvent;
    int remainder = IngestLimits.MAX_BATCH_BYTES - full * perEvent;
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < full - 1; i++) {
      sb.append(line(now, euro.repeat(1000)));
    }
    // the last event takes perEvent + remainder bytes: pad with ASCII
    sb.append(line(now, euro.repeat(1000) + "a".repeat(remainder)));
    PreparedBody exact = ds2(sb);
    assertThat(exact.batches()).hasSize(1);
    assertThat(exact.batches().get(0).bytes()).isEqualTo(IngestLimits.MAX_BATCH_BYTES);
    sb.setLength(0);
    for (int i = 0; i < full - 1; i++) {
      sb.append(line(now, euro.repeat(1000)));
    }
    sb.append(line(now, euro.repeat(1000) + "a".repeat(remainder + 1)));
    PreparedBody over = ds2(sb);
    assertThat(over.batches()).hasSize(2);
    assertWithinRules(over);
  }

  @Test
  @DisplayName("a batch never spans 24 h: events exactly 24 h apart go to separate batches")
  void spanEdge() throws Exception {
    long base = now - 30 * HOUR; // same UTC day is not needed: use one day-stream by staying inside 2026-11-24/25
    StringBuilder sb = new StringBuilder();
    sb.append(line(now - 24 * HOUR, "a")).append(line(now, "b")).append(line(now - 24 * HOUR + 1, "c"));
    PreparedBody body = ds2(sb);
    // different UTC days go to different streams anyway; check within each stream
    assertWithinRules(body);
    // same stream (same day) over 24 h cannot happen, so check the rule directly on a synthetic stream
    NormalizedEvents events = new NormalizedEvents(1024);
    for (long t : new long[] {base + 24 * HOUR, base, base + 24 * HOUR - 1}) {
      int off = events.sink().size();
      events.sink().writeAscii("{}");
      events.add(t, off, 2, 0, "s");
    }
    List<LogBatch> batches = PutLogEventsBatcher.batch(events);
    assertThat(batches).hasSize(2);
    assertThat(batches.get(0).events()).containsExactly(1, 2);
    assertThat(batches.get(1).events()).containsExactly(0);
  }

  @Test
  @DisplayName("unsorted input is sorted by time (ties keep record order), per stream")
  void unsortedInput() throws Exception {
    StringBuilder sb = new StringBuilder();
    long[] ts = {now - 5, now - 50, now - 1, now - 50, now - 20};
    for (int i = 0; i < ts.length; i++) {
      sb.append(line(ts[i], "n" + i));
    }
    PreparedBody body = ds2(sb);
    int[] order = body.batches().get(0).events();
    assertThat(java.util.Arrays.stream(order).map(e -> body.events().recordIndex(e)).toArray()).containsExactly(1, 3, 4, 0, 2);
  }

  @Test
  @DisplayName("older than 14 days or more than 2 h ahead: rejected with a reason; the limits themselves pass")
  void ageLimits() throws Exception {
    long day = 24 * HOUR;
    StringBuilder sb = new StringBuilder()
        .append(line(now - 14 * day, "edge-old"))
        .append(line(now - 14 * day - 1, "too-old"))
        .append(line(now + 2 * HOUR, "edge-new"))
        .append(line(now + 2 * HOUR + 1, "too-new"));
    PreparedBody body = ds2(sb);
    assertThat(body.rejections()).containsExactly(
        new Rejection(1, RejectReason.TOO_OLD.message()), new Rejection(3, RejectReason.TOO_NEW.message()));
    assertThat(body.events().count()).isEqualTo(2);
  }

  @Test
  @DisplayName("an event over 1,048,550 bytes is truncated with a marker, never dropped")
  void truncation() throws Exception {
    // %01 (3 bytes) decodes to a control char that JSON escapes as \\u0001 (6 bytes): the event outgrows the record
    String body = "%01".repeat(300_000);
    PreparedBody prepared = ds2(new StringBuilder(line(now, body)));
    assertThat(prepared.rejections()).isEmpty();
    assertThat(prepared.events().byteLength(0)).isLessThanOrEqualTo(IngestLimits.MAX_EVENT_BYTES);
    Map<String, Object> e = Json.map(prepared.events().message(0));
    assertThat(e).containsEntry("truncated", true).containsEntry("kind", "ew-js-log").containsKey("partial");
    assertThat(((Number) e.get("originalBytes")).intValue()).isGreaterThan(IngestLimits.MAX_EVENT_BYTES);
    assertThat((String) e.get("partial")).startsWith("{\"ts\":");
    assertWithinRules(prepared);
  }

  @Test
  @DisplayName("the same body always yields the same batches")
  void deterministic() throws Exception {
    byte[] body = Samples.ndjson(2000, Samples.NOW_SEC - 100);
    List<LogBatch> a = new IngestPipeline(clock).parseNormalizeBatch(body).batches();
    List<LogBatch> b = new IngestPipeline(clock).parseNormalizeBatch(body).batches();
    assertThat(a).hasSameSizeAs(b);
    for (int i = 0; i < a.size(); i++) {
      assertThat(a.get(i).streamName()).isEqualTo(b.get(i).streamName());
      assertThat(a.get(i).events()).containsExactly(b.get(i).events());
    }
  }
}
