package dev.edgeperimeter.authorizer.core;

import dev.edgeperimeter.authorizer.assertion.EdgeAssertionVerifier;
import dev.edgeperimeter.authorizer.assertion.VerifiedAssertion;
import dev.edgeperimeter.authorizer.core.AuthorizerConfig.AuthMode;
import dev.edgeperimeter.authorizer.policy.MethodArn;
import dev.edgeperimeter.authorizer.policy.PolicyBuilder;
import dev.edgeperimeter.authorizer.policy.RouteScopes;
import dev.edgeperimeter.authorizer.usertoken.UserToken;
import dev.edgeperimeter.authorizer.usertoken.UserTokenVerifier;
import dev.edgeperimeter.shared.crypto.Base64Url;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The authorizer's decision, free of Lambda and event types: {@link #decide(AuthRequest)} runs the
 * contract's steps 1-7 and the route policy, and never throws. Handlers map its {@link Decision} to
 * API Gateway's answer; benchmarks and tests call it directly.
 */
public final class AuthorizerCore {
  private static final ThreadLocal<MessageDigest> SHA256 = new ThreadLocal<>() {
    @Override
    protected MessageDigest initialValue() {
      try {
        return MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  };

  private final AuthMode mode;
  private final EdgeAssertionVerifier assertions;
  private final UserTokenVerifier userTokens;
  private final PolicyBuilder policy;

  /**
   * @param userTokens the user token verifier; required in {@code edge+jwt} mode, ignored otherwise
   */
  public AuthorizerCore(AuthMode mode, EdgeAssertionVerifier assertions, UserTokenVerifier userTokens,
      RouteScopes routes) {
    if (mode == AuthMode.EDGE_JWT && userTokens == null) {
      throw new IllegalArgumentException("edge+jwt mode needs a user token verifier");
    }
    this.mode = mode;
    this.assertions = assertions;
    this.userTokens = userTokens;
    this.policy = new PolicyBuilder(routes);
  }

  public AuthMode mode() {
    return mode;
  }

  /** Decides on {@code request}; never throws (a defect answers Unauthorized, {@code internal_error}). */
  public Decision decide(AuthRequest request) {
    try {
      return decideOrReject(request);
    } catch (Rejection r) {
      return Decision.unauthorized(r.reason(), r.kid(), r.jti(), r.degraded());
    } catch (RuntimeException | StackOverflowError defect) {
      return Decision.unauthorized(Reason.INTERNAL_ERROR);
    }
  }

  private Decision decideOrReject(AuthRequest request) throws Rejection {
    if (request.ambiguous()) {
      throw new Rejection(Reason.MALFORMED);
    }
    if (!policy.pathAllowed(request.path())) {
      throw new Rejection(Reason.PATH_NOT_NORMAL); // the path rule, before any route rule is matched
    }
    String bearer = request.bearerToken();
    String bearerHash = bearer == null ? null : sha256Base64Url(bearer);
    VerifiedAssertion assertion = assertions.verify(request.assertion(), request.method(), request.path(), bearerHash);
    boolean degraded = assertion.degraded();
    String kid = assertion.kid();
    String jti = assertion.jti();

    String sub = assertion.sub();
    String scope = assertion.scope();
    if (mode == AuthMode.EDGE_JWT && (bearer != null || !policy.publicRoute(request.method(), request.path()))) {
      UserToken token;
      try {
        UserTokenVerifier.Result result = userTokens.verify(bearer, bearerHash);
        token = result.token();
        degraded |= result.degraded();
      } catch (Rejection r) {
        throw new Rejection(r.reason(), kid, jti, degraded || r.degraded());
      }
      if (assertion.sub() != null && !assertion.sub().equals(token.sub())) {
        throw new Rejection(Reason.SUBJECT_MISMATCH, kid, jti, degraded);
      }
      sub = token.sub();
      scope = token.scope();
    }

    Set<String> scopes = RouteScopes.scopes(scope);
    String principal = sub != null && !sub.isEmpty() ? sub : assertion.iss();
    Map<String, String> context = new LinkedHashMap<>(8);
    context.put("sub", sub == null ? "" : sub);
    context.put("scope", scope == null ? "" : scope);
    context.put("kid", kid);
    context.put("jti", jti);
    context.put("edgeIssuer", assertion.iss());

    MethodArn arn = request.arn();
    if (arn == null) {
      // no policy to build (HTTP API simple responses): decide on the request's own route
      if (policy.permits(request.method(), request.path(), scopes)) {
        return new Decision(Decision.Outcome.ALLOW, Reason.OK, principal, context, List.of(), null, kid, jti, degraded);
      }
      return new Decision(Decision.Outcome.DENY, Reason.SCOPE_DENIED, principal, context, List.of(), null, kid, jti,
          degraded);
    }
    PolicyBuilder.Grant grant = policy.grant(arn, request.method(), request.path(), scopes);
    if (grant.currentAllowed()) {
      return new Decision(Decision.Outcome.ALLOW, Reason.OK, principal, context, grant.allow(), null, kid, jti, degraded);
    }
    return new Decision(Decision.Outcome.DENY, Reason.SCOPE_DENIED, principal, context, grant.allow(), grant.deny(), kid,
        jti, degraded);
  }

  /** base64url (unpadded) SHA-256 of the token's bytes: the {@code ath} value (RFC 9449 section 4.2). */
  public static String sha256Base64Url(String token) {
    MessageDigest md = SHA256.get();
    return Base64Url.encode(md.digest(token.getBytes(StandardCharsets.UTF_8)));
  }
}
