package dev.edgeperimeter.authorizer.ops;

import static dev.edgeperimeter.authorizer.support.Cores.assertAllowed;
import static dev.edgeperimeter.authorizer.support.Cores.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.edgeperimeter.authorizer.AuthorizerRuntime;
import dev.edgeperimeter.authorizer.RestRequestAuthorizerHandler;
import dev.edgeperimeter.authorizer.core.AuthRequest;
import dev.edgeperimeter.authorizer.core.AuthorizerConfig;
import dev.edgeperimeter.authorizer.core.AuthorizerConfig.TokenUse;
import dev.edgeperimeter.authorizer.core.AuthorizerCore;
import dev.edgeperimeter.authorizer.core.Decision;
import dev.edgeperimeter.authorizer.core.Reason;
import dev.edgeperimeter.authorizer.policy.RouteScopes;
import dev.edgeperimeter.authorizer.support.Cores;
import dev.edgeperimeter.authorizer.support.CountingClients;
import dev.edgeperimeter.authorizer.support.LocalIssuer;
import dev.edgeperimeter.authorizer.support.Minter;
import dev.edgeperimeter.authorizer.support.MotoKeys;
import dev.edgeperimeter.authorizer.support.Sink;
import dev.edgeperimeter.authorizer.assertion.EdgeAssertionVerifier;
import dev.edgeperimeter.authorizer.keys.EdgeKeyCache;
import dev.edgeperimeter.authorizer.usertoken.JwksCache;
import dev.edgeperimeter.shared.keys.KeyMaterialCipher;
import dev.edgeperimeter.shared.keys.KeyStore;
import dev.edgeperimeter.testsupport.MutableClock;
import software.amazon.awssdk.core.exception.SdkClientException;
import dev.edgeperimeter.authorizer.usertoken.UserTokenVerifier;
import dev.edgeperimeter.shared.config.Env;
import dev.edgeperimeter.shared.keys.KeyState;
import dev.edgeperimeter.testsupport.MotoExtension;
import dev.edgeperimeter.testsupport.MotoServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * DynamoDB, KMS or the JWKS endpoint unreachable: the last good key set / JWKS serves for the
 * bounded staleness (each such decision logged and counted as degraded), then the authorizer fails
 * closed with Unauthorized; never an error, never an Allow without a verified signature.
 */
@ExtendWith(MotoExtension.class)
@DisplayName("Outages: bounded staleness, then fail closed")
class OutagesTest {
  private static final long NOW = Minter.NOW;
  private static final String KID = "k-outage.cur";
  private final MotoServer server;
  private MotoKeys keys;
  private MutableClock clock;
  private Sink sink;

  OutagesTest(MotoServer server) {
    this.server = server;
  }

  @BeforeEach
  void setUp() {
    keys = new MotoKeys(server, "outage");
    keys.put(KID, KeyState.CURRENT, material(KID), NOW + 86_400);
    clock = MutableClock.at(NOW);
    sink = new Sink();
  }

  private static byte[] material(String kid) {
    return Minter.key("outage/" + kid);
  }

  private AuthorizerRuntime runtime(CountingClients clients) {
    return clients.runtime(AuthorizerConfig.fromEnv(Env.of(keys.edgeEnvironment())).withRouteScopes(dev.edgeperimeter.authorizer.policy.RouteScopes.none()), clock, sink, null);
  }

  private String assertion(String kid) {
    long now = clock.instant().getEpochSecond();
    var c = Minter.claims("GET", "/orders/42");
    c.put("iat", now - 5);
    c.put("exp", now + 55);
    return Minter.sign(material(kid), Minter.header(kid), c);
  }

  private Decision decide(AuthorizerRuntime runtime, String kid) {
    return runtime.core().decide(AuthRequest.of("GET", "/orders/42", assertion(kid), null, Minter.arn("GET", "/orders/42")));
  }

  private byte[] event(String kid) {
    return Minter.json(Map.of("type", "REQUEST", "methodArn", Minter.arn("GET", "/orders/42"), "path", "/orders/42",
        "httpMethod", "GET", "headers", Map.of("X-Edge-Assertion", assertion(kid)))).getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void coldStartWithDynamoDbUnreachableFailsClosedWith401() {
    AuthorizerRuntime runtime = runtime(CountingClients.unreachable(server));
    assertRejected(decide(runtime, KID), Reason.KEYS_UNAVAILABLE);
    assertThat(sink.lines()).anyMatch(l -> l.contains("key set refresh failed") && l.contains("\"level\":\"WARN\""));
    RestRequestAuthorizerHandler handler = new RestRequestAuthorizerHandler(runtime);
    sink.clear();
    assertThatThrownBy(() -> handler.handleRequest(new ByteArrayInputStream(event(KID)), new ByteArrayOutputStream(), null))
        .isExactlyInstanceOf(RuntimeException.class).hasMessage("Unauthorized");
    JsonNode emf = sink.emf().get(0);
    assertThat(emf.get("reason").asText()).isEqualTo("keys_unavailable");
    assertThat(emf.get("Unauthorized").asInt()).isEqualTo(1);
  }

  @Test
  void tableGoneServesTheLastGoodSetDegradedThenFailsClosed() {
    CountingClients clients = new CountingClients(server);
    AuthorizerRuntime runtime = runtime(clients);
    RestRequestAuthorizerHandler handler = new RestRequestAuthorizerHandler(runtime);
    assertAllowed(decide(runtime, KID));
    server.clients().dynamoDb().deleteTable(b -> b.tableName(keys.table()));

    clock.advance(Duration.ofSeconds(30));
    Decision fresh = decide(runtime, KID);
    assertAllowed(fresh);
    assertThat(fresh.degraded()).isFalse();

    clock.advance(Duration.ofSeconds(31));
    Decision stale = decide(runtime, KID);
    assertAllowed(stale);
    assertThat(stale.degraded()).as("served past its TTL").isTrue();
    sink.clear();
    assertThat(new String(invoke(handler, event(KID)), StandardCharsets.UTF_8)).contains("\"Allow\"");
    JsonNode emf = sink.emf().get(0);
    assertThat(emf.get("DegradedDecision").asInt()).isEqualTo(1);
    assertThat(emf.toString()).contains("\"Name\":\"DegradedDecision\"");
    assertThat(sink.logs()).anyMatch(n -> n.path("level").asText().equals("WARN") && n.path("degraded").asBoolean());

    clients.reset();
    for (int i = 0; i < 50; i++) {
      decide(runtime, KID);
    }
    assertThat(clients.calls("DynamoDB.Query")).as("failed refreshes are retried after 5 s, not per request")
        .isLessThanOrEqualTo(1);

    clock.advance(Duration.ofSeconds(900 - 61));
    assertAllowed(decide(runtime, KID));
    clock.advance(Duration.ofSeconds(1));
    assertRejected(decide(runtime, KID), Reason.KEYS_UNAVAILABLE);
    assertThatThrownBy(() -> handler.handleRequest(new ByteArrayInputStream(event(KID)), new ByteArrayOutputStream(), null))
        .hasMessage("Unauthorized");
  }

  @Test
  void recoveryAfterTheOutageRefreshesAgain() {
    CountingClients clients = new CountingClients(server);
    AuthorizerRuntime runtime = runtime(clients);
    assertAllowed(decide(runtime, KID));
    String table = keys.table();
    server.clients().dynamoDb().deleteTable(b -> b.tableName(table));
    clock.advance(Duration.ofSeconds(61));
    assertThat(decide(runtime, KID).degraded()).isTrue();
    // the table comes back (same name, same rows)
    new dev.edgeperimeter.testsupport.TemplateResources(dev.edgeperimeter.testsupport.SamTemplate.load(), server.clients())
        .createTable("KeyTable", table);
    keys.put(KID, KeyState.CURRENT, material(KID), NOW + 86_400);
    clock.advance(Duration.ofSeconds(6));
    Decision d = decide(runtime, KID);
    assertAllowed(d);
    assertThat(d.degraded()).isFalse();
  }

  @Test
  void kmsUnreachableKeepsKnownKeysAndFailsClosedOnlyForUndecryptableNewOnes() {
    // the real key store and cipher on moto; KMS calls fail while the switch is on
    AtomicBoolean kmsDown = new AtomicBoolean(false);
    KeyStore store = new KeyStore(server.clients().dynamoDb(), keys.table());
    KeyMaterialCipher cipher = new KeyMaterialCipher(server.clients().kms(), keys.kmsKeyId());
    EdgeKeyCache cache = new EdgeKeyCache(keys.keySet(), () -> store.load(keys.keySet()), (set, kid, blob) -> {
      if (kmsDown.get()) {
        throw SdkClientException.create("Unable to execute HTTP request: Connect to kms failed");
      }
      return cipher.decrypt(set, kid, blob);
    }, clock, Duration.ofSeconds(60), Duration.ofSeconds(900), w -> { });
    AuthorizerCore core = new AuthorizerCore(AuthorizerConfig.AuthMode.EDGE, new EdgeAssertionVerifier(
        Set.of(Minter.ISSUER), Minter.AUDIENCE, Duration.ofSeconds(30), Duration.ofSeconds(300), cache, clock), null,
        RouteScopes.none());
    AuthRequest current = AuthRequest.of("GET", "/orders/42", assertion(KID), null, Minter.arn("GET", "/orders/42"));
    assertAllowed(core.decide(current));

    keys.put("k-outage.next", KeyState.NEXT, material("k-outage.next"), NOW + 86_400);
    kmsDown.set(true);
    clock.advance(Duration.ofSeconds(61));
    assertAllowed(core.decide(AuthRequest.of("GET", "/orders/42", assertion(KID), null, Minter.arn("GET", "/orders/42"))));
    assertRejected(core.decide(AuthRequest.of("GET", "/orders/42", assertion("k-outage.next"), null,
        Minter.arn("GET", "/orders/42"))), Reason.KEYS_UNAVAILABLE);

    kmsDown.set(false);
    clock.advance(Duration.ofSeconds(61));
    assertAllowed(core.decide(AuthRequest.of("GET", "/orders/42", assertion("k-outage.next"), null,
        Minter.arn("GET", "/orders/42"))));
  }

  @Test
  void jwksOutageServesTheLastGoodJwksThenFailsClosed() {
    LocalIssuer issuer = new LocalIssuer();
    AtomicBoolean down = new AtomicBoolean(false);
    JwksCache jwks = jwks(issuer, down);
    AuthorizerCore core = edgeJwt(jwks);

    assertAllowed(core.decide(tokenRequest(issuer)));
    down.set(true);
    clock.advance(Duration.ofSeconds(301));
    Decision stale = core.decide(tokenRequest(issuer));
    assertAllowed(stale);
    assertThat(stale.degraded()).isTrue();
    clock.advance(Duration.ofSeconds(600));
    assertRejected(core.decide(tokenRequest(issuer)), Reason.JWKS_UNAVAILABLE);
    down.set(false);
    clock.advance(Duration.ofSeconds(6));
    assertAllowed(core.decide(tokenRequest(issuer)));
  }

  @Test
  void aJwksPrefetchThatFailedAtColdStartIsRetriedByTheFirstRequestAtOnce() {
    LocalIssuer issuer = new LocalIssuer();
    AtomicBoolean down = new AtomicBoolean(true);
    JwksCache jwks = jwks(issuer, down);
    AuthorizerCore core = edgeJwt(jwks);

    assertThat(jwks.prefetch()).isFalse();
    down.set(false);
    assertAllowed(core.decide(tokenRequest(issuer))); // no RETRY_INTERVAL wait after the warm-up's failure
    assertThat(jwks.fetchCount()).isEqualTo(1);
    assertThat(jwks.prefetch()).isTrue();
    assertThat(jwks.fetchCount()).isEqualTo(1);
  }

  /** The issuer's JWKS (5 min TTL, 15 min staleness) from an IdP that refuses connections while {@code down}. */
  private JwksCache jwks(LocalIssuer issuer, AtomicBoolean down) {
    return new JwksCache(() -> {
      if (down.get()) {
        throw new IllegalStateException("connection refused");
      }
      return issuer.jwksJson();
    }, clock, Duration.ofMinutes(5), Duration.ofSeconds(900), w -> { });
  }

  /** An edge+jwt core whose user tokens are verified against {@code jwks}, every route open. */
  private AuthorizerCore edgeJwt(JwksCache jwks) {
    UserTokenVerifier users = new UserTokenVerifier(LocalIssuer.ISSUER, Set.of(LocalIssuer.CLIENT_ID), TokenUse.ANY,
        List.of(), Duration.ofSeconds(30), Duration.ofSeconds(0), jwks, clock);
    return Cores.edgeJwt(users, RouteScopes.none(), clock);
  }

  private AuthRequest tokenRequest(LocalIssuer issuer) {
    long now = clock.instant().getEpochSecond();
    String token = issuer.rs256(LocalIssuer.accessClaims("alice", now));
    var c = Minter.claims("GET", "/orders/42");
    c.put("iat", now - 5);
    c.put("exp", now + 55);
    c.put("ath", AuthorizerCore.sha256Base64Url(token));
    // the memory key set of Cores is valid until NOW + 1 day
    return AuthRequest.of("GET", "/orders/42", Cores.signed(c), token, Minter.arn("GET", "/orders/42"));
  }

  private static byte[] invoke(RestRequestAuthorizerHandler handler, byte[] event) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      handler.handleRequest(new ByteArrayInputStream(event), out, null);
      return out.toByteArray();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
