package dev.edgeperimeter.ingest;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What one body contained, gathered while normalizing, for the EMF metrics. Every key kept here is
 * low-cardinality by construction: unknown severities and handlers collapse to {@code other}, and
 * at most {@link #MAX_EDGEWORKER_IDS} EdgeWorker ids are tracked per body (the rest as {@code other}).
 * Request ids, IPs and hosts are never recorded.
 */
public final class BatchStats {
  private static final Pattern EW_ID = Pattern.compile("[0-9]{1,12}");

  static final int MAX_EDGEWORKER_IDS = 25;
  private static final Set<String> SEVERITIES = Set.of("trace", "debug", "info", "warn", "error", "fatal");
  private static final Set<String> HANDLERS = Set.of("onClientRequest", "onOriginRequest", "onOriginResponse",
      "onClientResponse", "responseProvider", "onBotSegmentAvailable", "none");

  private final EnumMap<RejectReason, Integer> rejected = new EnumMap<>(RejectReason.class);
  private final long[] statusClasses = new long[6];
  private long cacheHits;
  private long cacheMisses;
  private final IntValues edgeTurnaround = new IntValues();
  private final IntValues originTurnaround = new IntValues();
  private final Map<String, Map<String, Integer>> edgeWorkerErrors = new LinkedHashMap<>();
  private final Map<String, Integer> severities = new LinkedHashMap<>();
  private int recordsRead;
  private int accepted;

  void recordRead() {
    recordsRead++;
  }

  void reject(RejectReason reason) {
    rejected.merge(reason, 1, Integer::sum);
  }

  void setAccepted(int accepted) {
    this.accepted = accepted;
  }

  void statusCode(long code) {
    if (code >= 100 && code <= 599) {
      statusClasses[(int) (code / 100)]++;
    }
  }

  void cacheStatus(boolean hit) {
    if (hit) {
      cacheHits++;
    } else {
      cacheMisses++;
    }
  }

  void edgeTurnaround(long millis) {
    if (millis >= 0 && millis <= Integer.MAX_VALUE) {
      edgeTurnaround.add((int) millis);
    }
  }

  void originTurnaround(long millis) {
    if (millis >= 0 && millis <= Integer.MAX_VALUE) {
      originTurnaround.add((int) millis);
    }
  }

  void edgeWorkerError(String ewId, String handler) {
    String id = ewId == null || !EW_ID.matcher(ewId).matches() ? "unknown" : ewId;
    if (!edgeWorkerErrors.containsKey(id) && edgeWorkerErrors.size() >= MAX_EDGEWORKER_IDS) {
      id = "other";
    }
    String h = handler != null && HANDLERS.contains(handler) ? handler : "other";
    edgeWorkerErrors.computeIfAbsent(id, k -> new LinkedHashMap<>()).merge(h, 1, Integer::sum);
  }

  void severity(String raw) {
    String s = raw == null ? "none" : raw.toLowerCase(Locale.ROOT);
    if (s.equals("warning")) {
      s = "warn";
    }
    severities.merge(SEVERITIES.contains(s) || s.equals("none") ? s : "other", 1, Integer::sum);
  }

  public int recordsRead() {
    return recordsRead;
  }

  public int accepted() {
    return accepted;
  }

  public Map<RejectReason, Integer> rejectedByReason() {
    return rejected;
  }

  /** Count of CDN responses per status class: index 2 = 2xx, ..., 5 = 5xx. */
  public long statusClass(int hundreds) {
    return statusClasses[hundreds];
  }

  public long cacheHits() {
    return cacheHits;
  }

  public long cacheMisses() {
    return cacheMisses;
  }

  public IntValues edgeTurnaroundMillis() {
    return edgeTurnaround;
  }

  public IntValues originTurnaroundMillis() {
    return originTurnaround;
  }

  /** EdgeWorker id → handler → error count. */
  public Map<String, Map<String, Integer>> edgeWorkerErrors() {
    return edgeWorkerErrors;
  }

  /** Edge log records (EdgeWorker batch and EdgeWorkers JavaScript logs) by normalized severity. */
  public Map<String, Integer> severities() {
    return severities;
  }

  /** A growable list of non-negative ints (turnaround times) without boxing. */
  public static final class IntValues {
    private int[] values = new int[64];
    private int size;

    void add(int value) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = value;
    }

    public int size() {
      return size;
    }

    /** A sorted copy. */
    public int[] sorted() {
      int[] copy = Arrays.copyOf(values, size);
      Arrays.sort(copy);
      return copy;
    }
  }
}
