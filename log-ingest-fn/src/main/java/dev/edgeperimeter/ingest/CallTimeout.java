package dev.edgeperimeter.ingest;

import java.time.Duration;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;

/**
 * Bounds a single AWS call (CloudWatch Logs or the DynamoDB ledger) by the invocation's remaining
 * time: the call's {@code apiCallTimeout} (which covers the SDK's own retries too) is the remaining
 * time, at most {@link #MAX_CALL}, and no call is started with less than {@link #MIN_CALL_MILLIS}
 * left. A slow dependency thus ends in a 503 answer instead of a Lambda timeout (which API Gateway
 * would turn into a 502).
 */
final class CallTimeout {
  /** The longest a single call may take (the production clients' own API call timeout). */
  static final Duration MAX_CALL = Duration.ofSeconds(10);
  /** No call is started with less time than this left in the invocation. */
  static final long MIN_CALL_MILLIS = 250;

  private CallTimeout() {
  }

  /**
   * The per-request override for the next call of {@code operation}.
   *
   * @throws StoreUnavailableException when less than {@link #MIN_CALL_MILLIS} is left
   */
  static AwsRequestOverrideConfiguration forNextCall(String operation, TimeBudget budget)
      throws StoreUnavailableException {
    long remaining = budget.remainingMillis();
    if (remaining < MIN_CALL_MILLIS) {
      throw new StoreUnavailableException(operation + " not attempted: the invocation's time is used up", null);
    }
    return AwsRequestOverrideConfiguration.builder()
        .apiCallTimeout(Duration.ofMillis(Math.min(MAX_CALL.toMillis(), remaining)))
        .build();
  }
}
