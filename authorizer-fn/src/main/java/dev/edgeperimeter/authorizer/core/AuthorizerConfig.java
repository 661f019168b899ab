package dev.edgeperimeter.authorizer.core;

import dev.edgeperimeter.authorizer.policy.RouteScopes;
import dev.edgeperimeter.authorizer.usertoken.OidcUrls;
import dev.edgeperimeter.shared.config.ConfigException;
import dev.edgeperimeter.shared.config.Env;
import dev.edgeperimeter.shared.keys.KeyId;
import dev.edgeperimeter.shared.keys.KeyTableLayout;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The authorizer's configuration, read from the environment and validated once at cold start.
 * Every problem is a {@link ConfigException} naming the variable, so a misconfigured function fails
 * its init instead of serving traffic.
 *
 * @param mode               {@code AUTH_MODE}: verify the edge assertion only, or also the user token
 * @param keyTableName       {@code KEY_TABLE_NAME}
 * @param keySet             {@code KEY_SET}
 * @param kmsKeyId           {@code KMS_KEY_ID}, pins decryption to that key when set
 * @param edgeIssuers        {@code EDGE_ISSUERS}
 * @param edgeAudience       {@code EDGE_AUDIENCE}
 * @param clockSkew          {@code CLOCK_SKEW_SECONDS}
 * @param maxAssertionLifetime {@code MAX_ASSERTION_LIFETIME_SECONDS} (at most the contract's 300)
 * @param keyCacheTtl        {@code KEY_CACHE_TTL_SECONDS}: how long a loaded key set is used; bounds how
 *                           late a revocation takes effect
 * @param keyStaleServing    {@code KEY_STALE_SERVING_SECONDS}: how long past its TTL the key set keeps
 *                           serving while DynamoDB or KMS cannot be read (default 0: never, so a
 *                           revocation holds during an outage too; an opt-in trade for availability)
 * @param maxStaleness       {@code MAX_STALENESS_SECONDS}: the age (since its last successful fetch) up
 *                           to which the JWKS keeps serving while the issuer is unreachable; never
 *                           less than the JWKS cache's own refresh time
 * @param oidcIssuer         {@code OIDC_ISSUER} (required in {@code edge+jwt} mode; https)
 * @param oidcAudiences      {@code OIDC_AUDIENCE} (required in {@code edge+jwt} mode)
 * @param oidcJwksUrl        {@code OIDC_JWKS_URL} (https); discovery from the issuer when absent
 * @param tokenUse           {@code OIDC_TOKEN_USE}
 * @param requiredClaims     {@code OIDC_REQUIRED_CLAIMS}
 * @param tokenCacheTtl      {@code TOKEN_CACHE_SECONDS}
 * @param signatureProvider  {@code SIGNATURE_PROVIDER}: who verifies user-token signatures once warm
 * @param routeScopes        the route policy: the compiled {@code policy/routes.yaml} packed into the zip
 * @param httpApiResponse    {@code HTTP_API_RESPONSE}
 * @param serviceName        {@code POWERTOOLS_SERVICE_NAME}
 * @param metricsNamespace   {@code POWERTOOLS_METRICS_NAMESPACE}
 * @param logLevel           {@code POWERTOOLS_LOG_LEVEL}
 */
public record AuthorizerConfig(
    AuthMode mode,
    String keyTableName,
    String keySet,
    Optional<String> kmsKeyId,
    Set<String> edgeIssuers,
    String edgeAudience,
    Duration clockSkew,
    Duration maxAssertionLifetime,
    Duration keyCacheTtl,
    Duration keyStaleServing,
    Duration maxStaleness,
    Optional<String> oidcIssuer,
    Set<String> oidcAudiences,
    Optional<URI> oidcJwksUrl,
    TokenUse tokenUse,
    List<String> requiredClaims,
    Duration tokenCacheTtl,
    SignatureProvider signatureProvider,
    RouteScopes routeScopes,
    HttpApiResponse httpApiResponse,
    String serviceName,
    String metricsNamespace,
    String logLevel) {

  /**
   * The deadline of one key-set refresh (the DynamoDB query and every KMS decrypt behind it): with
   * a JWKS fetch (at most about 2.5 s) it stays well inside the function's 6 s timeout, so an AWS
   * service that accepts connections and never answers yields a 401, never a Lambda timeout.
   */
  public static final Duration KEY_REFRESH_BUDGET = Duration.ofMillis(2500);

  /** The contract's ceiling on {@code exp - iat}. */
  public static final int CONTRACT_MAX_LIFETIME_SECONDS = 300;

  /** What the authorizer verifies. */
  public enum AuthMode {
    /** The edge assertion only (the user token, if any, is bound by {@code ath} but not verified). */
    EDGE("edge"),
    /** The edge assertion and the user token (contract step 7); the default. */
    EDGE_JWT("edge+jwt");

    private final String value;

    AuthMode(String value) {
      this.value = value;
    }

    public String value() {
      return value;
    }
  }

  /** Which Cognito token kinds ({@code token_use}) are accepted. */
  public enum TokenUse { ACCESS, ID, ANY }

  /**
   * Which JCA provider Nimbus verifies user-token signatures with: {@code accp}, the Amazon Corretto
   * Crypto Provider (AWS-LC, native; about twice the JDK's RSA speed), replaced by the JDK wherever
   * it cannot load; or {@code jdk}, the JDK's own providers only.
   */
  public enum SignatureProvider { ACCP, JDK }

  /** The HTTP API authorizer's response format. */
  public enum HttpApiResponse { SIMPLE, IAM }

  /** OIDC URLs: https, or http to a loopback host for local runs ({@link OidcUrls}). */
  private static void requireTrusted(Env env, String variable, URI uri) {
    String problem = OidcUrls.problem(uri);
    if (problem != null) {
      throw env.invalid(variable, problem);
    }
  }

  /** This configuration with another route policy (tests and tools; the function uses the shipped one). */
  public AuthorizerConfig withRouteScopes(RouteScopes routes) {
    return new AuthorizerConfig(mode, keyTableName, keySet, kmsKeyId, edgeIssuers, edgeAudience, clockSkew,
        maxAssertionLifetime, keyCacheTtl, keyStaleServing, maxStaleness, oidcIssuer, oidcAudiences, oidcJwksUrl, tokenUse,
        requiredClaims, tokenCacheTtl, signatureProvider, routes, httpApiResponse, serviceName, metricsNamespace,
        logLevel);
  }

  /** Reads and validates the configuration. */
  public static AuthorizerConfig fromEnv(Env env) {
    AuthMode mode = env.oneOf("AUTH_MODE", "edge+jwt", Set.of("edge", "edge+jwt")).equals("edge")
        ? AuthMode.EDGE : AuthMode.EDGE_JWT;
    String table = env.required("KEY_TABLE_NAME");
    String keySet = env.string("KEY_SET", KeyTableLayout.DEFAULT_KEY_SET);
    if (!KeyId.isValid(keySet)) { // the same alphabet and length as a kid
      throw env.invalid("KEY_SET", "must be 1-64 characters of [A-Za-z0-9._-], got '" + keySet + "'");
    }
    Set<String> issuers = new LinkedHashSet<>(env.list("EDGE_ISSUERS", List.of()));
    if (issuers.isEmpty()) {
      throw env.invalid("EDGE_ISSUERS", "is required: a comma list of edge issuer ids, e.g. akamai-edgeworker:1234567");
    }
    String audience = env.required("EDGE_AUDIENCE");
    Duration skew = env.seconds("CLOCK_SKEW_SECONDS", Duration.ofSeconds(30), 0, 300);
    Duration lifetime = env.seconds("MAX_ASSERTION_LIFETIME_SECONDS", Duration.ofSeconds(CONTRACT_MAX_LIFETIME_SECONDS),
        1, CONTRACT_MAX_LIFETIME_SECONDS);
    Duration keyTtl = env.seconds("KEY_CACHE_TTL_SECONDS", Duration.ofSeconds(60), 1, 3600);
    Duration keyStale = env.seconds("KEY_STALE_SERVING_SECONDS", Duration.ZERO, 0, 86_400);
    Duration staleness = env.seconds("MAX_STALENESS_SECONDS", Duration.ofSeconds(900), 0, 86_400);
    Optional<String> oidcIssuer = env.optional("OIDC_ISSUER");
    if (oidcIssuer.isPresent()) {
      requireTrusted(env, "OIDC_ISSUER", env.uri("OIDC_ISSUER", oidcIssuer.get()));
    }
    Set<String> oidcAudiences = new LinkedHashSet<>(env.list("OIDC_AUDIENCE", List.of()));
    Optional<URI> jwksUrl = env.optionalUri("OIDC_JWKS_URL");
    jwksUrl.ifPresent(u -> requireTrusted(env, "OIDC_JWKS_URL", u));
    TokenUse tokenUse = TokenUse.valueOf(env.oneOf("OIDC_TOKEN_USE", "any", Set.of("access", "id", "any"))
        .toUpperCase(java.util.Locale.ROOT));
    List<String> required = env.list("OIDC_REQUIRED_CLAIMS", List.of());
    Duration tokenTtl = env.seconds("TOKEN_CACHE_SECONDS", Duration.ofSeconds(60), 0, 3600);
    if (mode == AuthMode.EDGE_JWT) {
      if (oidcIssuer.isEmpty()) {
        throw env.invalid("OIDC_ISSUER", "is required when AUTH_MODE is edge+jwt (the issuer URL of the user tokens)");
      }
      if (oidcAudiences.isEmpty()) {
        throw env.invalid("OIDC_AUDIENCE", "is required when AUTH_MODE is edge+jwt (accepted aud / Cognito client_id values)");
      }
    }
    RouteScopes routes = RouteScopes.shipped(); // the compiled policy/routes.yaml (classpath resource)
    HttpApiResponse httpApi = env.oneOf("HTTP_API_RESPONSE", "simple", Set.of("simple", "iam")).equals("iam")
        ? HttpApiResponse.IAM : HttpApiResponse.SIMPLE;
    String logLevel = env.oneOf("POWERTOOLS_LOG_LEVEL", "INFO",
        Set.of("DEBUG", "INFO", "WARN", "ERROR", "debug", "info", "warn", "error")).toUpperCase(java.util.Locale.ROOT);
    SignatureProvider signatureProvider = env.oneOf("SIGNATURE_PROVIDER", "accp", Set.of("accp", "jdk")).equals("jdk")
        ? SignatureProvider.JDK : SignatureProvider.ACCP;
    return new AuthorizerConfig(mode, table, keySet, env.optional("KMS_KEY_ID"), Set.copyOf(issuers), audience,
        skew, lifetime, keyTtl, keyStale, staleness, oidcIssuer, Set.copyOf(oidcAudiences), jwksUrl, tokenUse,
        List.copyOf(required), tokenTtl, signatureProvider, routes, httpApi, env.string("POWERTOOLS_SERVICE_NAME", "authorizer"),
        env.string("POWERTOOLS_METRICS_NAMESPACE", "EdgePerimeter"), logLevel);
  }
}
