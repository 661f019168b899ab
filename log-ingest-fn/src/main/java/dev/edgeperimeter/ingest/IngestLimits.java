package dev.edgeperimeter.ingest;

/** Fixed limits of the contract (section 3) and of CloudWatch Logs {@code PutLogEvents}. */
public final class IngestLimits {
  /** Default {@code MAX_BODY_BYTES}: 5 MiB decompressed. */
  public static final int DEFAULT_MAX_BODY_BYTES = 5 * 1024 * 1024;
  /** Contract: at most 10,000 events per EdgeWorker batch. */
  public static final int MAX_EW_EVENTS = 10_000;
  /** Contract: {@code msg} at most 8 KiB (UTF-8). */
  public static final int MAX_EW_MSG_BYTES = 8 * 1024;
  /** A single raw record larger than this is rejected (no real DataStream 2 record comes close). */
  public static final int MAX_RECORD_BYTES = 1024 * 1024;

  /** PutLogEvents: per-event overhead counted against the batch size. */
  public static final int EVENT_OVERHEAD_BYTES = 26;
  /** PutLogEvents: maximum batch size in bytes (message UTF-8 bytes + 26 per event). */
  public static final int MAX_BATCH_BYTES = 1_048_576;
  /** PutLogEvents: maximum events per batch. */
  public static final int MAX_BATCH_EVENTS = 10_000;
  /** PutLogEvents: maximum bytes of one event message (the batch limit minus its overhead). */
  public static final int MAX_EVENT_BYTES = MAX_BATCH_BYTES - EVENT_OVERHEAD_BYTES;
  /** PutLogEvents: a batch must span less than 24 hours. */
  public static final long MAX_BATCH_SPAN_MILLIS = 24L * 60 * 60 * 1000;
  /** PutLogEvents: events older than 14 days are refused. */
  public static final long MAX_AGE_MILLIS = 14L * 24 * 60 * 60 * 1000;
  /** PutLogEvents: events more than 2 hours in the future are refused. */
  public static final long MAX_FUTURE_MILLIS = 2L * 60 * 60 * 1000;

  private IngestLimits() {
  }
}
