package dev.edgeperimeter.ingest;

/** Publishes what one stored body contained; called once per body identity, when it completes. */
@FunctionalInterface
public interface IngestMetrics {
  void publish(BodyFormat format, BatchStats stats);

  /**
   * A body could not be stored after retries (the sender was answered 503). The template's
   * {@code IngestFailuresAlarm} watches this.
   */
  default void storageFailed(BodyFormat format) {
  }

  IngestMetrics NONE = (format, stats) -> { };
}
