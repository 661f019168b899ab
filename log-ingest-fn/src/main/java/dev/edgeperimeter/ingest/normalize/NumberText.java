package dev.edgeperimeter.ingest.normalize;

import dev.edgeperimeter.ingest.ByteSink;

/**
 * DataStream 2 sends numbers as strings. These helpers check that a text is a JSON number (so it
 * can be written as one, digit for digit) and read small integers and timestamps without
 * allocating.
 */
public final class NumberText {
  public static final long INVALID = Long.MIN_VALUE;

  private NumberText() {
  }

  /** JSON number grammar without exponent, at most 32 chars: {@code -?(0|[1-9][0-9]*)(\.[0-9]+)?}. */
  public static boolean isJsonNumber(char[] c, int off, int len) {
    if (len == 0 || len > 32) {
      return false;
    }
    int i = off;
    int end = off + len;
    if (c[i] == '-') {
      i++;
      if (i == end) {
        return false;
      }
    }
    if (c[i] == '0') {
      i++;
    } else if (c[i] >= '1' && c[i] <= '9') {
      while (i < end && c[i] >= '0' && c[i] <= '9') {
        i++;
      }
    } else {
      return false;
    }
    if (i == end) {
      return true;
    }
    if (c[i] != '.') {
      return false;
    }
    i++;
    if (i == end) {
      return false;
    }
    while (i < end) {
      if (c[i] < '0' || c[i] > '9') {
        return false;
      }
      i++;
    }
    return true;
  }


  /** A non-negative integer of up to 18 digits, else {@link #INVALID}. */
  public static long parseNonNegativeLong(char[] c, int off, int len) {
    return parseDigits(c, off, len, 18);
  }

  /**
   * Epoch seconds with an optional fraction ({@code 1764060000} or {@code 1764060000.123456}) as
   * epoch milliseconds (fraction truncated to milliseconds), else {@link #INVALID}.
   */
  public static long secondsToMillis(char[] c, int off, int len) {
    int end = off + len;
    int dot = -1;
    for (int i = off; i < end; i++) {
      if (c[i] == '.') {
        dot = i;
        break;
      }
    }
    int intEnd = dot < 0 ? end : dot;
    if (intEnd - off > 12) {
      return INVALID;
    }
    long seconds = parseNonNegativeLong(c, off, intEnd - off);
    if (seconds == INVALID) {
      return INVALID;
    }
    long millis = 0;
    if (dot >= 0) {
      int digits = end - dot - 1;
      if (digits == 0 || digits > 9) {
        return INVALID;
      }
      int scale = 100;
      for (int i = dot + 1; i < end; i++) {
        char ch = c[i];
        if (ch < '0' || ch > '9') {
          return INVALID;
        }
        if (scale > 0) {
          millis += (ch - '0') * scale;
          scale /= 10;
        }
      }
    }
    return seconds * 1000 + millis;
  }

  /** Epoch nanoseconds (integer, up to 19 digits) as epoch milliseconds, else {@link #INVALID}. */
  public static long nanosToMillis(char[] c, int off, int len) {
    long nanos = parseDigits(c, off, len, 19);
    return nanos == INVALID ? INVALID : nanos / 1_000_000L;
  }

  /**
   * 1 to {@code maxDigits} ASCII digits as a non-negative long, else {@link #INVALID} (also when the
   * value could overflow; with at most 18 digits it never does).
   */
  private static long parseDigits(char[] c, int off, int len, int maxDigits) {
    if (len == 0 || len > maxDigits) {
      return INVALID;
    }
    long v = 0;
    for (int i = off; i < off + len; i++) {
      char ch = c[i];
      if (ch < '0' || ch > '9') {
        return INVALID;
      }
      if (v > (Long.MAX_VALUE - 9) / 10) {
        return INVALID;
      }
      v = v * 10 + (ch - '0');
    }
    return v;
  }
}
