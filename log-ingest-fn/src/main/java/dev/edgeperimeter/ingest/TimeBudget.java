package dev.edgeperimeter.ingest;

/**
 * How much of the invocation is left, in milliseconds. The handler derives it from the Lambda
 * context; tests pass fixed or scripted budgets.
 */
@FunctionalInterface
public interface TimeBudget {
  long remainingMillis();

  /** A budget that never runs out (local tools, benchmarks). */
  static TimeBudget unlimited() {
    return () -> Long.MAX_VALUE;
  }
}
