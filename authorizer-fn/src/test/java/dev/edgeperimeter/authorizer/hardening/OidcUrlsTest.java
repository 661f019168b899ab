package dev.edgeperimeter.authorizer.hardening;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.edgeperimeter.authorizer.core.AuthorizerConfig;
import dev.edgeperimeter.authorizer.core.AuthorizerConfig.TokenUse;
import dev.edgeperimeter.authorizer.core.Reason;
import dev.edgeperimeter.authorizer.core.Rejection;
import dev.edgeperimeter.authorizer.support.LocalIssuer;
import dev.edgeperimeter.authorizer.support.Minter;
import dev.edgeperimeter.authorizer.usertoken.IssuerKeys;
import dev.edgeperimeter.authorizer.usertoken.UserTokenVerifier;
import dev.edgeperimeter.shared.config.ConfigException;
import dev.edgeperimeter.shared.config.Env;
import dev.edgeperimeter.testsupport.MutableClock;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The user tokens' issuer and keys come over https only: {@code OIDC_ISSUER} and
 * {@code OIDC_JWKS_URL} must be https (plain http only to loopback, for local runs), checked at
 * start-up naming the variable; a discovery document's {@code jwks_uri} must be https too, and its
 * {@code issuer} must equal {@code OIDC_ISSUER} (OpenID Connect Discovery 1.0 section 4.3),
 * otherwise the keys are unavailable ({@code jwks_unavailable}). The discovery document is served by
 * a real HTTP server on loopback.
 */
@DisplayName("Hardening: OIDC issuer, JWKS URL and discovered jwks_uri are https; discovery names our issuer")
class OidcUrlsTest {
  private static final long NOW = Minter.NOW;

  private static Map<String, String> edgeJwt(String issuer) {
    Map<String, String> env = new HashMap<>();
    env.put("KEY_TABLE_NAME", "keys");
    env.put("EDGE_ISSUERS", Minter.ISSUER);
    env.put("EDGE_AUDIENCE", Minter.AUDIENCE);
    env.put("AUTH_MODE", "edge+jwt");
    env.put("OIDC_ISSUER", issuer);
    env.put("OIDC_AUDIENCE", LocalIssuer.CLIENT_ID);
    return env;
  }

  private static void assertRefused(Map<String, String> env, String variable) {
    assertThatThrownBy(() -> AuthorizerConfig.fromEnv(Env.of(env))).isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(((ConfigException) e).variable()).isEqualTo(variable))
        .hasMessageStartingWith(variable + " ");
  }

  @ParameterizedTest(name = "OIDC_ISSUER={0} is refused")
  @ValueSource(strings = {"http://issuer.example", "http://issuer.example/pool", "ftp://issuer.example",
      "http://127.0.0.1.example.com", "https://user:secret@issuer.example"})
  void aPlainHttpIssuerIsAConfigError(String issuer) {
    assertRefused(edgeJwt(issuer), "OIDC_ISSUER");
  }

  @ParameterizedTest(name = "OIDC_ISSUER={0} is accepted")
  @ValueSource(strings = {"https://issuer.example", "http://127.0.0.1:8080", "http://localhost:9000/pool",
      "http://[::1]:8443"})
  void httpsOrLoopbackIssuersAreAccepted(String issuer) {
    assertThat(AuthorizerConfig.fromEnv(Env.of(edgeJwt(issuer))).oidcIssuer()).contains(issuer);
  }

  @ParameterizedTest(name = "OIDC_JWKS_URL={0} is refused")
  @ValueSource(strings = {"http://issuer.example/.well-known/jwks.json", "http://10.0.0.1/jwks.json"})
  void aPlainHttpJwksUrlIsAConfigError(String url) {
    Map<String, String> env = edgeJwt("https://issuer.example");
    env.put("OIDC_JWKS_URL", url);
    assertRefused(env, "OIDC_JWKS_URL");
  }

  @Test
  void aLoopbackHttpJwksUrlIsAccepted() {
    Map<String, String> env = edgeJwt("https://issuer.example");
    env.put("OIDC_JWKS_URL", "http://127.0.0.1:9999/jwks.json");
    assertThat(AuthorizerConfig.fromEnv(Env.of(env)).oidcJwksUrl()).isPresent();
  }

  // ---- discovery, against an issuer served on loopback

  private final LocalIssuer keys = new LocalIssuer();
  private final AtomicInteger jwksFetches = new AtomicInteger();
  private HttpServer http;
  private String issuer;
  private volatile String discovery;

  @BeforeEach
  void serve() throws IOException {
    http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    issuer = "http://127.0.0.1:" + http.getAddress().getPort() + "/pool";
    http.createContext("/pool/.well-known/openid-configuration", ex -> respond(ex, discovery));
    http.createContext("/pool/jwks.json", ex -> {
      jwksFetches.incrementAndGet();
      respond(ex, keys.jwksJson());
    });
    http.start();
  }

  private static void respond(com.sun.net.httpserver.HttpExchange exchange, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  @AfterEach
  void stop() {
    http.stop(0);
  }

  private String discoveryDocument(String documentIssuer, String jwksUri) {
    return Minter.json(Map.of("issuer", documentIssuer, "jwks_uri", jwksUri,
        "id_token_signing_alg_values_supported", List.of("RS256")));
  }

  /** Verifies a token of {@link #issuer} with keys found by discovery; the reason when refused. */
  private Optional<Reason> verify() {
    IssuerKeys discovered = IssuerKeys.of(issuer, Optional.empty(), Duration.ofSeconds(900), warning -> { });
    UserTokenVerifier verifier = new UserTokenVerifier(issuer, Set.of(LocalIssuer.CLIENT_ID), TokenUse.ANY, List.of(),
        Duration.ofSeconds(30), Duration.ZERO, discovered, MutableClock.at(NOW), null);
    Map<String, Object> claims = LocalIssuer.accessClaims("alice", NOW);
    claims.put("iss", issuer);
    try {
      verifier.verify(keys.rs256(claims), null);
      return Optional.empty();
    } catch (Rejection r) {
      return Optional.of(r.reason());
    }
  }

  @Test
  @DisplayName("a discovery document naming our issuer and a loopback jwks_uri: the token verifies")
  void matchingDiscoveryVerifies() {
    discovery = discoveryDocument(issuer, issuer + "/jwks.json");
    assertThat(verify()).isEmpty();
    assertThat(jwksFetches.get()).isEqualTo(1);
  }

  @Test
  @DisplayName("a discovery document naming another issuer: jwks_unavailable, its jwks_uri never fetched")
  void discoveryForAnotherIssuerIsRefused() {
    discovery = discoveryDocument("https://evil.example/pool", issuer + "/jwks.json");
    assertThat(verify()).contains(Reason.JWKS_UNAVAILABLE);
    assertThat(jwksFetches.get()).isZero();
  }

  @Test
  @DisplayName("a discovery document whose issuer differs by a trailing slash: jwks_unavailable")
  void discoveryIssuerMustMatchExactly() {
    discovery = discoveryDocument(issuer + "/", issuer + "/jwks.json");
    assertThat(verify()).contains(Reason.JWKS_UNAVAILABLE);
  }

  @ParameterizedTest(name = "discovered jwks_uri {0}: jwks_unavailable")
  @ValueSource(strings = {"http://example.com/pool/jwks.json", "http://10.0.0.1/jwks.json", "ftp://example.com/jwks.json",
      "/pool/jwks.json"})
  void aDiscoveredJwksUriThatIsNotHttpsIsRefused(String jwksUri) {
    discovery = discoveryDocument(issuer, jwksUri);
    assertThat(verify()).contains(Reason.JWKS_UNAVAILABLE);
  }
}
