package dev.edgeperimeter.shared.time;

import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * UTC timestamps as text, written digit by digit: a {@code DateTimeFormatter}'s pattern machinery
 * is a measurable part of a Lambda cold start, and these two shapes are all the functions need.
 */
public final class UtcText {
  private UtcText() {
  }

  /** {@code yyyy-MM-ddTHH:mm:ss.SSSZ} (Powertools' log timestamp). */
  public static String isoMillis(long epochMillis) {
    LocalDateTime t = LocalDateTime.ofEpochSecond(Math.floorDiv(epochMillis, 1000L),
        (int) Math.floorMod(epochMillis, 1000L) * 1_000_000, ZoneOffset.UTC);
    StringBuilder b = new StringBuilder(24);
    pad(b, t.getYear(), 4).append('-');
    pad(b, t.getMonthValue(), 2).append('-');
    pad(b, t.getDayOfMonth(), 2).append('T');
    pad(b, t.getHour(), 2).append(':');
    pad(b, t.getMinute(), 2).append(':');
    pad(b, t.getSecond(), 2).append('.');
    return pad(b, t.getNano() / 1_000_000, 3).append('Z').toString();
  }

  /** {@code yyyyMMddTHHmmssZ} (SigV4's {@code X-Amz-Date}). */
  public static String basicSeconds(long epochSecond) {
    LocalDateTime t = LocalDateTime.ofEpochSecond(epochSecond, 0, ZoneOffset.UTC);
    StringBuilder b = new StringBuilder(16);
    pad(b, t.getYear(), 4);
    pad(b, t.getMonthValue(), 2);
    pad(b, t.getDayOfMonth(), 2).append('T');
    pad(b, t.getHour(), 2);
    pad(b, t.getMinute(), 2);
    return pad(b, t.getSecond(), 2).append('Z').toString();
  }

  private static StringBuilder pad(StringBuilder b, int value, int width) {
    String digits = Integer.toString(value);
    for (int i = digits.length(); i < width; i++) {
      b.append('0');
    }
    return b.append(digits);
  }
}
