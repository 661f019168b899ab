package dev.edgeperimeter.authorizer.core;

import java.util.List;
import java.util.Map;

/**
 * The authorizer's answer for one request.
 *
 * @param outcome     Allow, Deny (valid identity, route not granted: 403) or Unauthorized (401)
 * @param reason      {@link Reason#OK} for Allow, else the first failing step
 * @param principalId {@code sub}, or the edge issuer without one; {@code null} when Unauthorized
 * @param context     the authorizer context (string values only), empty when Unauthorized
 * @param allow       resources of the Allow statement
 * @param deny        resource of the explicit Deny statement, or {@code null}
 * @param kid         the assertion's key id when known (logging), else {@code null}
 * @param jti         the assertion's id when known (logging), else {@code null}
 * @param degraded    decided on a key set or JWKS served past its refresh time because its source
 *                    was unreachable
 */
public record Decision(
    Outcome outcome,
    Reason reason,
    String principalId,
    Map<String, String> context,
    List<String> allow,
    String deny,
    String kid,
    String jti,
    boolean degraded) {

  /** The three API Gateway outcomes. */
  public enum Outcome {
    ALLOW("Allow"),
    DENY("Deny"),
    UNAUTHORIZED("Unauthorized");

    private final String metricName;

    Outcome(String metricName) {
      this.metricName = metricName;
    }

    /** The metric (and log) name of this outcome. */
    public String metricName() {
      return metricName;
    }
  }

  public static Decision unauthorized(Reason reason, String kid, String jti, boolean degraded) {
    return new Decision(Outcome.UNAUTHORIZED, reason, null, Map.of(), List.of(), null, kid, jti, degraded);
  }

  public static Decision unauthorized(Reason reason) {
    return unauthorized(reason, null, null, false);
  }
}
