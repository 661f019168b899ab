package dev.edgeperimeter.authorizer.core;

/**
 * A verification step failed: carries the {@link Reason} and, for the log, the assertion's
 * {@code kid} and {@code jti} when they were already read. Thrown only inside the verification core
 * and always caught there; it has no stack trace (it is a result, not a bug, and hostile input must
 * stay cheap).
 */
public final class Rejection extends Exception {
  private final transient Reason reason;
  private final String kid;
  private final String jti;
  private final boolean degraded;

  public Rejection(Reason reason) {
    this(reason, null, null, false);
  }

  public Rejection(Reason reason, String kid, String jti, boolean degraded) {
    super(reason.code(), null, false, false);
    this.reason = reason;
    this.kid = kid;
    this.jti = jti;
    this.degraded = degraded;
  }

  public Reason reason() {
    return reason;
  }

  /** The assertion's key id when known, else {@code null}. */
  public String kid() {
    return kid;
  }

  /** The assertion's id when known, else {@code null}. */
  public String jti() {
    return jti;
  }

  /** Whether a key set or JWKS served past its refresh time took part. */
  public boolean degraded() {
    return degraded;
  }
}
