package dev.edgeperimeter.ingest;

/**
 * One record that was not stored: its 0-based index in the body (NDJSON: the n-th non-blank line;
 * JSON array: the element; EdgeWorker batch: the entry of {@code events}) and a stated reason.
 */
public record Rejection(int index, String reason) implements Comparable<Rejection> {
  @Override
  public int compareTo(Rejection other) {
    return Integer.compare(index, other.index);
  }
}
