package dev.edgeperimeter.ingest;

import static dev.edgeperimeter.ingest.IngestLimits.EVENT_OVERHEAD_BYTES;
import static dev.edgeperimeter.ingest.IngestLimits.MAX_AGE_MILLIS;
import static dev.edgeperimeter.ingest.IngestLimits.MAX_BATCH_BYTES;
import static dev.edgeperimeter.ingest.IngestLimits.MAX_BATCH_EVENTS;
import static dev.edgeperimeter.ingest.IngestLimits.MAX_BATCH_SPAN_MILLIS;
import static dev.edgeperimeter.ingest.IngestLimits.MAX_EVENT_BYTES;
import static dev.edgeperimeter.ingest.IngestLimits.MAX_FUTURE_MILLIS;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Cuts normalized events into CloudWatch Logs {@code PutLogEvents} batches, exactly within its
 * rules: one log stream per batch; events in chronological order; at most 10,000 events; at most
 * 1,048,576 bytes counted as UTF-8 message bytes + 26 per event; first to last event less than
 * 24 hours apart. Events too old (more than 14 days) or too new (more than 2 hours ahead) are
 * refused before batching by {@link #checkAge}; events larger than one batch allows were
 * truncated by the normalizer (see {@link IngestLimits#MAX_EVENT_BYTES}).
 *
 * <p>The result depends only on the events: streams in name order, events by (timestamp, record
 * index), then a greedy cut. The same body therefore always yields the same batches, which is what
 * lets a retried body resume at the first batch not yet stored.
 */
public final class PutLogEventsBatcher {
  private PutLogEventsBatcher() {
  }

  /** {@code null} when CloudWatch Logs accepts the timestamp at {@code nowMillis}, else why not. */
  public static RejectReason checkAge(long timestampMillis, long nowMillis) {
    if (timestampMillis < nowMillis - MAX_AGE_MILLIS) {
      return RejectReason.TOO_OLD;
    }
    if (timestampMillis > nowMillis + MAX_FUTURE_MILLIS) {
      return RejectReason.TOO_NEW;
    }
    return null;
  }

  /** The batches for all events, deterministic for the same events. */
  public static List<LogBatch> batch(NormalizedEvents events) {
    int streamCount = events.streamCount();
    int[] perStream = new int[streamCount];
    for (int e = 0; e < events.count(); e++) {
      perStream[events.streamId(e)]++;
    }
    int[][] members = new int[streamCount][];
    for (int s = 0; s < streamCount; s++) {
      members[s] = new int[perStream[s]];
    }
    int[] fill = new int[streamCount];
    for (int e = 0; e < events.count(); e++) {
      int s = events.streamId(e);
      members[s][fill[s]++] = e;
    }
    Integer[] order = new Integer[streamCount];
    for (int s = 0; s < streamCount; s++) {
      order[s] = s;
    }
    Arrays.sort(order, Comparator.comparing(events::streamName));

    List<LogBatch> batches = new ArrayList<>();
    for (int s : order) {
      int[] sorted = chronological(events, members[s]);
      cut(events, events.streamName(s), sorted, batches);
    }
    return batches;
  }

  /**
   * Sorts event indexes by (timestamp, event index). Events are added in record order, so the
   * event index breaks ties the same way on every run. Timestamps are packed relative to the
   * stream's earliest one (the age check bounds the span far below 2^31 ms) with the position in
   * the upper bits, giving one primitive sort.
   */
  private static int[] chronological(NormalizedEvents events, int[] members) {
    int n = members.length;
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (int e : members) {
      min = Math.min(min, events.timestamp(e));
      max = Math.max(max, events.timestamp(e));
    }
    if (n == 0) {
      return members;
    }
    if (max - min < (1L << 31)) {
      long[] keys = new long[n];
      for (int i = 0; i < n; i++) {
        keys[i] = ((events.timestamp(members[i]) - min) << 32) | i;
      }
      Arrays.sort(keys);
      int[] sorted = new int[n];
      for (int i = 0; i < n; i++) {
        sorted[i] = members[(int) keys[i]];
      }
      return sorted;
    }
    Integer[] boxed = Arrays.stream(members).boxed().toArray(Integer[]::new);
    Arrays.sort(boxed, Comparator.<Integer>comparingLong(events::timestamp).thenComparingInt(e -> e));
    return Arrays.stream(boxed).mapToInt(Integer::intValue).toArray();
  }

  private static void cut(NormalizedEvents events, String stream, int[] sorted, List<LogBatch> out) {
    int start = 0;
    int bytes = 0;
    long first = 0;
    for (int i = 0; i < sorted.length; i++) {
      int e = sorted[i];
      int size = Math.min(events.byteLength(e), MAX_EVENT_BYTES) + EVENT_OVERHEAD_BYTES;
      long ts = events.timestamp(e);
      boolean full = i > start
          && (i - start >= MAX_BATCH_EVENTS
          || bytes + size > MAX_BATCH_BYTES
          || ts - first >= MAX_BATCH_SPAN_MILLIS);
      if (full) {
        out.add(new LogBatch(stream, Arrays.copyOfRange(sorted, start, i), bytes));
        start = i;
        bytes = 0;
      }
      if (i == start) {
        first = ts;
      }
      bytes += size;
    }
    if (start < sorted.length) {
      out.add(new LogBatch(stream, Arrays.copyOfRange(sorted, start, sorted.length), bytes));
    }
  }
}
