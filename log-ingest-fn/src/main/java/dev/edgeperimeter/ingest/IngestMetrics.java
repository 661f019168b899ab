package dev.edgeperimeter.ingest;

/** Publishes what one stored body contained; called once per body identity, when it completes. */
@FunctionalInterface
public interface IngestMetrics {
  void publish(BodyFormat format, BatchStats stats);

  IngestMetrics NONE = (format, stats) -> { };
}
