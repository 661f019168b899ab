package dev.edgeperimeter.ingest.normalize;

import dev.edgeperimeter.ingest.ByteSink;

import java.util.Set;

/**
 * DataStream 2 JSON field names that get special treatment (every field is optional; all others
 * are copied as they come). {@link Ds2FieldTable} resolves each field name once per body to a
 * treatment: a few names it handles itself (timestamps, ids, metrics inputs, EdgeWorkers info), the
 * rest by membership in these sets, which a test checks against the output.
 */
public final class Ds2Fields {
  /**
   * Origin turnaround time in ms. Change it here if a stream reports it under another field name.
   */
  public static final String ORIGIN_TURNAROUND = "originTurnAroundTimeMSec";

  /** Fields DataStream 2 URL-encodes (RFC 1738 escapes, {@code +} for space): decoded. */
  public static final Set<String> URL_ENCODED = Set.of(
      "UA", "referer", "queryStr", "breadcrumbs", "cookie", "accLang", "customField", "xForwardedFor",
      "city", "state", "securityRules", "body");

  /** Fields that carry numbers as strings: written as JSON numbers when the text is one. */
  public static final Set<String> NUMERIC = Set.of(
      "reqTimeSec", "time", "statusCode", "cacheStatus", "turnAroundTimeMSec", ORIGIN_TURNAROUND,
      "bytes", "totalBytes", "objSize", "uncompressedSize", "overheadBytes", "rspContentLen", "reqPort",
      "transferTimeMSec", "tlsOverheadTimeMSec", "dnsLookupTimeMSec", "reqEndTimeMSec", "timeToFirstByte",
      "maxAgeSec", "cacheable", "edgeAttempts", "lastByte", "asn", "startupTime", "downloadTime", "throughput");

  private Ds2Fields() {
  }
}
