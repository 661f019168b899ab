package dev.edgeperimeter.ingest;

import dev.edgeperimeter.ingest.write.EventIds;
import java.util.List;
import java.util.function.Supplier;

/**
 * A body parsed, normalized and cut into PutLogEvents batches, before anything is stored.
 * The identity of a DataStream 2 body (SHA-256 of the decompressed bytes, ~3 ms per 5 MiB) is
 * computed on first use, so {@link IngestPipeline#parseNormalizeBatch} measures only parse,
 * normalize and batch.
 */
public final class PreparedBody {
  private final BodyFormat format;
  private final Supplier<String> identitySource;
  private String identity;
  private final NormalizedEvents events;
  private final List<LogBatch> batches;
  private final List<Rejection> rejections;
  private final BatchStats stats;

  PreparedBody(BodyFormat format, Supplier<String> identity, NormalizedEvents events, List<LogBatch> batches,
      List<Rejection> rejections, BatchStats stats) {
    this.format = format;
    this.identitySource = identity;
    this.events = events;
    this.batches = batches;
    this.rejections = rejections;
    this.stats = stats;
  }

  public BodyFormat format() {
    return format;
  }

  /**
   * The ledger key: {@code ew#<batchId>} or {@code ds2#<hex SHA-256 of the decompressed body>}.
   * Computing it stamps the events' ids with the body's batch key ({@link EventIds}).
   */
  public String identity() {
    if (identity == null) {
      identity = identitySource.get();
      events.stampBatchKey(EventIds.key(identity));
    }
    return identity;
  }

  /** The normalized events. */
  public NormalizedEvents events() {
    return events;
  }

  /** The PutLogEvents batches, in a deterministic order for the same body. */
  public List<LogBatch> batches() {
    return batches;
  }

  /** Records rejected while reading, sorted by index. */
  public List<Rejection> rejections() {
    return rejections;
  }

  /** What the body contained, for metrics. */
  public BatchStats stats() {
    return stats;
  }
}
