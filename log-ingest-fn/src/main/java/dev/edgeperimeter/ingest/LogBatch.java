package dev.edgeperimeter.ingest;

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
}
