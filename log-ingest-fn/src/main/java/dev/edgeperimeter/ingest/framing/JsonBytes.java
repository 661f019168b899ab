package dev.edgeperimeter.ingest.framing;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.edgeperimeter.shared.json.JsonLimits;

/** Byte scanning and the parser factories the framing uses. */
final class JsonBytes {
  /** Every path but the NDJSON fast path: {@link JsonLimits#FACTORY}, with strict duplicate detection. */
  static final JsonFactory FACTORY = JsonLimits.FACTORY;
  /**
   * The NDJSON fast path's factory: {@link JsonLimits#FACTORY}'s nesting and string limits, without
   * Jackson's duplicate-key detection (a hash set per object, the largest single cost of tokenizing
   * a wide DataStream 2 record). Duplicates are still refused, by the normalizer itself; a record
   * with one is therefore rejected as invalid JSON exactly as with {@link #FACTORY}: the fast path
   * hands over to the line-by-line path, which parses with {@link #FACTORY}.
   */
  static final JsonFactory NDJSON_FACTORY = JsonLimits.FACTORY.rebuild()
      .disable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();

  private JsonBytes() {
  }

  static boolean isWhitespace(byte b) {
    return b == ' ' || b == '\t' || b == '\r' || b == '\n';
  }

  /** Index of the first non-whitespace byte in {@code [from, to)}, or -1. */
  static int firstNonWhitespace(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (!isWhitespace(b[i])) {
        return i;
      }
    }
    return -1;
  }

  static int indexOf(byte[] b, byte target, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] == target) {
        return i;
      }
    }
    return -1;
  }
}
