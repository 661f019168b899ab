package dev.edgeperimeter.authorizer.core;

import dev.edgeperimeter.authorizer.policy.MethodArn;

/**
 * What the authorizer decides on, independent of the API Gateway event shape (no Lambda types):
 * built by the event parsers, or directly by tests and benchmarks.
 *
 * @param method        the HTTP method of the request
 * @param path          the request path as the contract defines it (step 5), without the stage
 * @param assertion     the {@code X-Edge-Assertion} header value, or {@code null} when absent
 * @param authorization the {@code Authorization} header value, or {@code null} when absent
 * @param ambiguous     the event carried one of these headers more than once (treated as malformed)
 * @param methodArn     {@code methodArn} / {@code routeArn} of the event, or {@code null}
 * @param arn           {@code methodArn} parsed ({@link MethodArn#parse}), or {@code null} when absent or
 *                      not a well-formed API Gateway ARN
 * @param sourceIp      the caller's IP as API Gateway reports it (logging only), or {@code null}
 * @param requestId     API Gateway's request id ({@code requestContext.requestId}), the log lines'
 *                      correlation id, or {@code null} (TOKEN events carry none)
 */
public record AuthRequest(
    String method,
    String path,
    String assertion,
    String authorization,
    boolean ambiguous,
    String methodArn,
    MethodArn arn,
    String sourceIp,
    String requestId) {

  /** A request whose ARN is parsed here. */
  public AuthRequest(String method, String path, String assertion, String authorization, boolean ambiguous,
      String methodArn, String sourceIp, String requestId) {
    this(method, path, assertion, authorization, ambiguous, methodArn, MethodArn.parse(methodArn), sourceIp,
        requestId);
  }

  /** A request without a correlation id. */
  public AuthRequest(String method, String path, String assertion, String authorization, boolean ambiguous,
      String methodArn, String sourceIp) {
    this(method, path, assertion, authorization, ambiguous, methodArn, sourceIp, null);
  }

  /** A request for tests and benchmarks: an optional bearer token becomes the Authorization header. */
  public static AuthRequest of(String method, String path, String assertion, String bearer, String methodArn) {
    return new AuthRequest(method, path, assertion, bearer == null ? null : "Bearer " + bearer, false, methodArn, null);
  }

  /**
   * The bearer token of the {@code Authorization} header (RFC 6750: scheme case-insensitive), or
   * {@code null} when the request carries none.
   */
  public String bearerToken() {
    String h = authorization;
    if (h == null || h.length() < 7 || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    return h.substring(7).strip();
  }
}
