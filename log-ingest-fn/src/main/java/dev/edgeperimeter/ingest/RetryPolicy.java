package dev.edgeperimeter.ingest;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with full jitter inside the invocation's remaining time: attempt {@code n}
 * waits a random time in {@code [0, min(maxDelay, baseDelay * 2^n))}; a retry is made only when
 * that wait plus {@code reserveMillis} (time kept for the call itself and for answering) still fits
 * the budget. Randomness is drawn per call, never captured at build time (SnapStart-safe).
 *
 * @param baseDelayMillis first backoff ceiling
 * @param maxDelayMillis largest backoff ceiling
 * @param maxAttempts attempts in total (first call included)
 * @param reserveMillis time that must remain after a wait for the next call and the response
 * @param jitter a source of uniform values in [0, 1)
 * @param sleeper waits
 */
public record RetryPolicy(long baseDelayMillis, long maxDelayMillis, int maxAttempts, long reserveMillis,
    DoubleSupplier jitter, Sleeper sleeper) {

  public static RetryPolicy standard() {
    return new RetryPolicy(100, 2_000, 8, 3_000, () -> ThreadLocalRandom.current().nextDouble(), Sleeper.SYSTEM);
  }

  /**
   * Waits before retry number {@code attempt} (1 = first retry) if attempts and time remain.
   *
   * @return true when the caller should try again
   */
  public boolean awaitRetry(int attempt, TimeBudget budget) {
    if (attempt >= maxAttempts) {
      return false;
    }
    long ceiling = Math.min(maxDelayMillis, baseDelayMillis << Math.min(attempt - 1, 20));
    long delay = (long) (jitter.getAsDouble() * ceiling);
    if (budget.remainingMillis() - delay < reserveMillis) {
      return false;
    }
    try {
      sleeper.sleep(delay);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
