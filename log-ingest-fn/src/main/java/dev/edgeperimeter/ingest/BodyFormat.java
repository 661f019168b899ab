package dev.edgeperimeter.ingest;

/** The two body formats of contract section 3 (DataStream 2 in its two framings). */
public enum BodyFormat {
  /** {@code {"v":1,"source":"edgeworker","batchId":...,"events":[...]}}. */
  EDGEWORKER_BATCH,
  /** DataStream 2: one JSON record per line. */
  DATASTREAM2_NDJSON,
  /** DataStream 2: one JSON array of records. */
  DATASTREAM2_ARRAY
}
