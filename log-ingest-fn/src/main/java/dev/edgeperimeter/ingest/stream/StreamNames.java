package dev.edgeperimeter.ingest.stream;

import java.time.LocalDate;

/**
 * Log stream names: {@code ds2/<streamId or ds2id>/<UTC day>} and
 * {@code edgeworker/<EdgeWorker id>/<UTC day>}, the id cut to its safe characters. One instance
 * per body: it reuses the last prefix and name while they stay the same (the usual case).
 */
public final class StreamNames {
  private static final int MAX_SEGMENT = 64;

  // the last DataStream 2 id and the prefix made from it (compared by reference: the normalizer hands back the same String)
  private boolean prefixCached;
  private String prefixId;
  private String prefixValue;
  // the last stream name, reused while prefix and day stay the same
  private String lastPrefix;
  private long lastDay = Long.MIN_VALUE;
  private String lastStream;

  /** {@code ds2/<segment>}. */
  public String dataStream2Prefix(String id) {
    if (!prefixCached || id != prefixId) {
      prefixCached = true;
      prefixId = id;
      prefixValue = "ds2/" + segment(id);
    }
    return prefixValue;
  }

  /** {@code edgeworker/<segment>}. */
  public static String edgeWorkerPrefix(String ewId) {
    return "edgeworker/" + segment(ewId);
  }

  /** {@code <prefix>/<UTC day of ts>}. */
  public String name(String prefix, long timestampMillis) {
    long day = Math.floorDiv(timestampMillis, 86_400_000L);
    if (day == lastDay && prefix.equals(lastPrefix)) {
      return lastStream;
    }
    lastDay = day;
    lastPrefix = prefix;
    lastStream = prefix + "/" + LocalDate.ofEpochDay(day);
    return lastStream;
  }

  /** A log stream name segment: the id's safe characters ({@code [A-Za-z0-9._-]}, others as {@code _}), at most 64, or {@code unknown}. */
  public static String segment(String id) {
    if (id == null || id.isEmpty()) {
      return "unknown";
    }
    int n = Math.min(id.length(), MAX_SEGMENT);
    StringBuilder sb = null;
    for (int i = 0; i < n; i++) {
      char c = id.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
      if (!ok && sb == null) {
        sb = new StringBuilder(id.substring(0, i));
      }
      if (sb != null) {
        sb.append(ok ? c : '_');
      }
    }
    return sb != null ? sb.toString() : n == id.length() ? id : id.substring(0, n);
  }
}
