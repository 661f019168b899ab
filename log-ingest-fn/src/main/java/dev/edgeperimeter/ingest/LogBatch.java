package dev.edgeperimeter.ingest;

import java.util.Arrays;
import java.util.Set;

/**
 * One PutLogEvents call: events of one log stream, sorted by time, within every PutLogEvents limit.
 *
 * @param streamName the target log stream
 * @param events indexes into {@link NormalizedEvents}, in chronological order
 * @param bytes the batch size as PutLogEvents counts it (UTF-8 bytes + 26 per event)
 */
public record LogBatch(String streamName, int[] events, int bytes) {
  public int size() {
    return events.length;
  }

  /** This batch without the events in {@code drop} (still in time order, within every limit). */
  public LogBatch without(Set<Integer> drop, NormalizedEvents all) {
    if (drop.isEmpty()) {
      return this;
    }
    int[] kept = Arrays.stream(events).filter(e -> !drop.contains(e)).toArray();
    int size = 0;
    for (int e : kept) {
      size += Math.min(all.byteLength(e), IngestLimits.MAX_EVENT_BYTES) + IngestLimits.EVENT_OVERHEAD_BYTES;
    }
    return new LogBatch(streamName, kept, size);
  }

  /** Earliest event time (the events are in time order). */
  public long firstTimestamp(NormalizedEvents all) {
    return all.timestamp(events[0]);
  }

  /** Latest event time. */
  public long lastTimestamp(NormalizedEvents all) {
    return all.timestamp(events[events.length - 1]);
  }
}
