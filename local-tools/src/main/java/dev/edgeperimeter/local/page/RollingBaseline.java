package dev.edgeperimeter.local.page;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The local stand-in for the AWS anomaly detectors: per rejection reason, the count in the latest
 * window is compared with the counts of the windows before it (the rolling baseline). A reason is
 * flagged when its latest count reaches {@code max(minimumCount, mean + 3 standard deviations)} of
 * the baseline, so a quiet stack flags a burst of {@code minimumCount} forged assertions, and a
 * stack that always sees some noise needs a burst well above it.
 *
 * <p>Not thread-safe; the caller serializes. Times come from the caller (no wall clock inside).
 */
public final class RollingBaseline {
  /** Sigmas above the baseline mean that count as unusual. */
  public static final double SIGMAS = 3.0;

  /** One reason's verdict. */
  public record Verdict(String reason, int latest, double baselineMean, double threshold, boolean flagged) {
  }

  private record Event(Instant at, String reason) {
  }

  private final Duration window;
  private final int baselineWindows;
  private final int minimumCount;
  private final Deque<Event> events = new ArrayDeque<>();

  /**
   * @param window          length of the latest window and of each baseline window
   * @param baselineWindows how many windows before the latest form the baseline
   * @param minimumCount    the smallest latest-window count that can be flagged
   */
  public RollingBaseline(Duration window, int baselineWindows, int minimumCount) {
    if (window.isNegative() || window.isZero() || baselineWindows < 1 || minimumCount < 1) {
      throw new IllegalArgumentException("window > 0, baselineWindows >= 1 and minimumCount >= 1 required");
    }
    this.window = window;
    this.baselineWindows = baselineWindows;
    this.minimumCount = minimumCount;
  }

  /** Defaults of the local page: one-minute windows, a ten-minute baseline, at least 8 in a minute. */
  public static RollingBaseline localDefaults() {
    return new RollingBaseline(Duration.ofMinutes(1), 10, 8);
  }

  /** Records one rejection. */
  public void add(Instant at, String reason) {
    events.addLast(new Event(at, reason));
  }

  /** Verdicts per reason seen in the baseline span or the latest window, ordered by reason. */
  public List<Verdict> verdicts(Instant now) {
    Instant latestStart = now.minus(window);
    Instant horizon = latestStart.minus(window.multipliedBy(baselineWindows));
    events.removeIf(e -> e.at().isBefore(horizon));
    Map<String, int[]> perReason = new TreeMap<>();
    for (Event e : events) {
      if (e.at().isAfter(now)) {
        continue;
      }
      int[] counts = perReason.computeIfAbsent(e.reason(), r -> new int[baselineWindows + 1]);
      if (!e.at().isBefore(latestStart)) {
        counts[baselineWindows]++;
      } else {
        long back = Duration.between(e.at(), latestStart).toNanos() / window.toNanos();
        counts[(int) Math.min(baselineWindows - 1, back)]++;
      }
    }
    Map<String, Verdict> out = new LinkedHashMap<>();
    perReason.forEach((reason, counts) -> {
      double sum = 0;
      for (int i = 0; i < baselineWindows; i++) {
        sum += counts[i];
      }
      double mean = sum / baselineWindows;
      double squares = 0;
      for (int i = 0; i < baselineWindows; i++) {
        squares += (counts[i] - mean) * (counts[i] - mean);
      }
      double threshold = Math.max(minimumCount, mean + SIGMAS * Math.sqrt(squares / baselineWindows));
      int latest = counts[baselineWindows];
      out.put(reason, new Verdict(reason, latest, mean, threshold, latest >= threshold));
    });
    return List.copyOf(out.values());
  }

  public Duration window() {
    return window;
  }
}
