package dev.edgeperimeter.authorizer.core;

/**
 * Why a request was answered the way it was. The contract's reason codes (section 2) come first,
 * spelled exactly as on the wire ({@link #code()}); {@link #OK} marks an Allow, and the last three
 * are operational codes for a fail-closed answer while a dependency is unreachable beyond the
 * bounded staleness, or after an internal defect (never the client's fault, so kept apart from the
 * contract codes).
 */
public enum Reason {
  MISSING("missing"),
  MALFORMED("malformed"),
  TOO_LARGE("too_large"),
  BAD_ALG("bad_alg"),
  BAD_TYP("bad_typ"),
  CRIT("crit"),
  UNKNOWN_KID("unknown_kid"),
  KEY_INACTIVE("key_inactive"),
  BAD_SIGNATURE("bad_signature"),
  BAD_ISSUER("bad_issuer"),
  BAD_AUDIENCE("bad_audience"),
  EXPIRED("expired"),
  NOT_YET_VALID("not_yet_valid"),
  LIFETIME_TOO_LONG("lifetime_too_long"),
  METHOD_MISMATCH("method_mismatch"),
  PATH_MISMATCH("path_mismatch"),
  ATH_MISSING("ath_missing"),
  ATH_MISMATCH("ath_mismatch"),
  USER_TOKEN_INVALID("user_token_invalid"),
  SUBJECT_MISMATCH("subject_mismatch"),
  SCOPE_DENIED("scope_denied"),
  /** The request path fails the route policy's path rule (docs/contract.md); decided before any rule. */
  PATH_NOT_NORMAL("path_not_normal"),
  /** Allowed. */
  OK("ok"),
  /** The key set could not be loaded and the last good one is older than the staleness bound. */
  KEYS_UNAVAILABLE("keys_unavailable"),
  /** The JWKS could not be fetched and the last good one is older than the staleness bound. */
  JWKS_UNAVAILABLE("jwks_unavailable"),
  /** A defect in the authorizer itself; answered Unauthorized (fail closed) and logged as an error. */
  INTERNAL_ERROR("internal_error");

  private final String code;

  Reason(String code) {
    this.code = code;
  }

  /** The reason code as logged and used as the metric dimension. */
  public String code() {
    return code;
  }
}
