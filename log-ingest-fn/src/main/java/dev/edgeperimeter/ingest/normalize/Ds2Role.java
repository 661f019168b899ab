package dev.edgeperimeter.ingest.normalize;

/** What {@link Ds2Normalizer} does with a DataStream 2 field, decided by its name (see {@link Ds2Fields}). */
enum Ds2Role {
  /** Copied as it came. */
  PLAIN,
  /** URL-decoded ({@link Ds2Fields#URL_ENCODED}). */
  URL_ENCODED,
  /** A numeric string written as a JSON number with the same digits ({@link Ds2Fields#NUMERIC}). */
  NUMERIC,
  /** The request id: goes to the event head; the field itself is kept as {@code _reqId}. */
  REQ_ID,
  /** CDN request time in (fractional) epoch seconds: the CDN record's timestamp. */
  REQ_TIME,
  /** EdgeWorkers JavaScript log time (epoch ns or RFC 3339): the JS log record's timestamp. */
  TIME,
  STATUS,
  CACHE,
  EDGE_TURNAROUND,
  ORIGIN_TURNAROUND,
  /** Names the CDN record's log stream. */
  STREAM_ID,
  /** Names the JS log record's log stream. */
  DS2ID,
  SEVERITY,
  /** JS log attributes; {@code request_id} becomes the head's request id when the record has no reqId. */
  ATTRIBUTES,
  /** Kept raw and parsed into {@code ewUsage}. */
  EW_USAGE,
  /** Kept raw and parsed into {@code ewExecution}. */
  EW_EXECUTION,
  /** A record field named like a normalized one: kept as {@code _<name>}. */
  RENAMED;

  static Ds2Role of(String name) {
    return switch (name) {
      case "reqId" -> REQ_ID;
      case "reqTimeSec" -> REQ_TIME;
      case "time" -> TIME;
      case "statusCode" -> STATUS;
      case "cacheStatus" -> CACHE;
      case "turnAroundTimeMSec" -> EDGE_TURNAROUND;
      case Ds2Fields.ORIGIN_TURNAROUND -> ORIGIN_TURNAROUND;
      case "streamId" -> STREAM_ID;
      case "ds2id" -> DS2ID;
      case "severity" -> SEVERITY;
      case "attributes" -> ATTRIBUTES;
      case "ewUsageInfo" -> EW_USAGE;
      case "ewExecutionInfo" -> EW_EXECUTION;
      case "ts", "eid", "source", "kind", "ewUsage", "ewExecution", "ewUsageError", "ewExecutionError" -> RENAMED;
      default -> Ds2Fields.URL_ENCODED.contains(name) ? URL_ENCODED : Ds2Fields.NUMERIC.contains(name) ? NUMERIC : PLAIN;
    };
  }

  /** The name the field has in the normalized event. */
  String outputName(String name) {
    return this == RENAMED || this == REQ_ID ? "_" + name : name;
  }
}
