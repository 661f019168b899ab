package dev.edgeperimeter.rotation;

import java.time.Duration;
import java.util.Objects;

/**
 * How the key set moves: which set, how long a demoted key stays accepted, how long a key may be
 * used at all, and how long retired rows are kept before DynamoDB TTL deletes them.
 */
public record RotationPolicy(String keySet, Duration gracePeriod, Duration keyLifetime, Duration retiredTtl) {
  public RotationPolicy {
    Objects.requireNonNull(keySet, "keySet");
    Objects.requireNonNull(gracePeriod, "gracePeriod");
    Objects.requireNonNull(keyLifetime, "keyLifetime");
    Objects.requireNonNull(retiredTtl, "retiredTtl");
  }

  /** The defaults of the template: 48 h grace, 100 days lifetime, 30 days before deletion. */
  public static RotationPolicy defaults(String keySet) {
    return new RotationPolicy(keySet, Duration.ofHours(48), Duration.ofDays(100), Duration.ofDays(30));
  }
}
