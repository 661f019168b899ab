package dev.edgeperimeter.authorizer.ops;

import static dev.edgeperimeter.authorizer.support.Cores.assertAllowed;
import static dev.edgeperimeter.authorizer.support.Cores.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.edgeperimeter.authorizer.RestRequestAuthorizerHandler;
import dev.edgeperimeter.authorizer.assertion.EdgeAssertionVerifier;
import dev.edgeperimeter.authorizer.core.AuthRequest;
import dev.edgeperimeter.authorizer.core.AuthorizerConfig;
import dev.edgeperimeter.authorizer.core.AuthorizerConfig.TokenUse;
import dev.edgeperimeter.authorizer.core.AuthorizerCore;
import dev.edgeperimeter.authorizer.core.Decision;
import dev.edgeperimeter.authorizer.core.Reason;
import dev.edgeperimeter.authorizer.keys.EdgeKeyCache;
import dev.edgeperimeter.authorizer.policy.RouteScopes;
import dev.edgeperimeter.authorizer.support.Cores;
import dev.edgeperimeter.authorizer.support.CountingClients;
import dev.edgeperimeter.authorizer.support.LocalIssuer;
import dev.edgeperimeter.authorizer.support.Minter;
import dev.edgeperimeter.authorizer.support.MotoKeys;
import dev.edgeperimeter.authorizer.support.Sink;
import dev.edgeperimeter.authorizer.usertoken.IssuerKeys;
import dev.edgeperimeter.authorizer.usertoken.UserTokenVerifier;
import dev.edgeperimeter.authorizer.wiring.Authorizer;
import dev.edgeperimeter.shared.config.Env;
import dev.edgeperimeter.shared.keys.KeyMaterialCipher;
import dev.edgeperimeter.shared.keys.KeyState;
import dev.edgeperimeter.shared.keys.KeyStore;
import dev.edgeperimeter.testsupport.MotoExtension;
import dev.edgeperimeter.testsupport.MotoServer;
import dev.edgeperimeter.testsupport.MutableClock;
import dev.edgeperimeter.testsupport.SamTemplate;
import dev.edgeperimeter.testsupport.TemplateResources;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * DynamoDB, KMS or the JWKS endpoint unreachable. The key set: by default nothing is served past
 * its TTL, so the authorizer fails closed ({@code keys_unavailable}, a 401) one TTL after the
 * outage began, and a revocation holds; with {@code KEY_STALE_SERVING_SECONDS} the last good set
 * keeps serving that much longer, each such decision logged and counted as degraded. The JWKS: the
 * last good one serves while fetches fail (Nimbus), and with none, {@code jwks_unavailable}. Never
 * an error, never an Allow without a verified signature.
 */
@ExtendWith(MotoExtension.class)
@DisplayName("Outages: fail closed after one TTL by default; stale serving only as an opt-in")
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

  private Authorizer authorizer(CountingClients clients, Map<String, String> overrides) {
    Map<String, String> env = new HashMap<>(keys.edgeEnvironment());
    env.putAll(overrides);
    return clients.authorizer(AuthorizerConfig.fromEnv(Env.of(env)).withRouteScopes(dev.edgeperimeter.authorizer.policy.RouteScopes.none()), clock);
  }

  private String assertion(String kid) {
    long now = clock.instant().getEpochSecond();
    var c = Minter.claims("GET", "/orders/42");
    c.put("iat", now - 5);
    c.put("exp", now + 55);
    return Minter.sign(material(kid), Minter.header(kid), c);
  }

  private Decision decide(Authorizer authorizer, String kid) {
    return authorizer.pipeline().core().decide(AuthRequest.of("GET", "/orders/42", assertion(kid), null,
        Minter.arn("GET", "/orders/42")));
  }

  private byte[] event(String kid) {
    return Minter.json(Map.of("type", "REQUEST", "methodArn", Minter.arn("GET", "/orders/42"), "path", "/orders/42",
        "httpMethod", "GET", "headers", Map.of("X-Edge-Assertion", assertion(kid)))).getBytes(StandardCharsets.UTF_8);
  }

  private void dropTable() {
    server.clients().dynamoDb().deleteTable(b -> b.tableName(keys.table()));
  }

  @Test
  void coldStartWithDynamoDbUnreachableFailsClosedWith401() {
    Authorizer authorizer = authorizer(CountingClients.unreachable(server), Map.of());
    assertRejected(decide(authorizer, KID), Reason.KEYS_UNAVAILABLE);
    assertThat(sink.logs()).anyMatch(l -> l.path("message").asText().contains("key set refresh failed")
        && l.path("level").asText().equals("WARN"));
    RestRequestAuthorizerHandler handler = new RestRequestAuthorizerHandler(authorizer.pipeline());
    sink.clear();
    assertThatThrownBy(() -> handler.handleRequest(new ByteArrayInputStream(event(KID)), new ByteArrayOutputStream(), null))
        .isExactlyInstanceOf(RuntimeException.class).hasMessage("Unauthorized");
    JsonNode emf = sink.emf().get(0);
    assertThat(emf.get("Reason").asText()).isEqualTo("keys_unavailable");
    assertThat(emf.get("Unauthorized").asInt()).isEqualTo(1);
  }

  @Test
  @DisplayName("default: the table gone, the key set serves until its TTL, then every request is keys_unavailable")
  void tableGoneFailsClosedAfterOneTtlByDefault() {
    CountingClients clients = new CountingClients(server);
    Authorizer authorizer = authorizer(clients, Map.of());
    RestRequestAuthorizerHandler handler = new RestRequestAuthorizerHandler(authorizer.pipeline());
    assertAllowed(decide(authorizer, KID));
    dropTable();

    clock.advance(Duration.ofSeconds(59));
    Decision fresh = decide(authorizer, KID);
    assertAllowed(fresh);
    assertThat(fresh.degraded()).isFalse();

    clock.advance(Duration.ofSeconds(1));
    assertRejected(decide(authorizer, KID), Reason.KEYS_UNAVAILABLE);
    sink.clear();
    assertThatThrownBy(() -> handler.handleRequest(new ByteArrayInputStream(event(KID)), new ByteArrayOutputStream(), null))
        .hasMessage("Unauthorized");
    assertThat(sink.emf().get(0).get("Reason").asText()).isEqualTo("keys_unavailable");

    clients.reset();
    for (int i = 0; i < 50; i++) {
      assertRejected(decide(authorizer, KID), Reason.KEYS_UNAVAILABLE);
    }
    assertThat(clients.calls("DynamoDB.Query")).as("failed refreshes are retried after 5 s, not per request")
        .isLessThanOrEqualTo(1);
  }

  @Test
  @DisplayName("KEY_STALE_SERVING_SECONDS=300: the last good set serves degraded for 300 s past its TTL, then fails closed")
  void tableGoneServesTheLastGoodSetDegradedWhenStaleServingIsOn() {
    CountingClients clients = new CountingClients(server);
    Authorizer authorizer = authorizer(clients, Map.of("KEY_STALE_SERVING_SECONDS", "300"));
    RestRequestAuthorizerHandler handler = new RestRequestAuthorizerHandler(authorizer.pipeline());
    assertAllowed(decide(authorizer, KID));
    dropTable();

    clock.advance(Duration.ofSeconds(30));
    Decision fresh = decide(authorizer, KID);
    assertAllowed(fresh);
    assertThat(fresh.degraded()).isFalse();

    clock.advance(Duration.ofSeconds(31));
    Decision stale = decide(authorizer, KID);
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
      decide(authorizer, KID);
    }
    assertThat(clients.calls("DynamoDB.Query")).as("failed refreshes are retried after 5 s, not per request")
        .isLessThanOrEqualTo(1);

    clock.advance(Duration.ofSeconds(360 - 61 - 1));
    assertAllowed(decide(authorizer, KID));
    clock.advance(Duration.ofSeconds(1));
    assertRejected(decide(authorizer, KID), Reason.KEYS_UNAVAILABLE);
    assertThatThrownBy(() -> handler.handleRequest(new ByteArrayInputStream(event(KID)), new ByteArrayOutputStream(), null))
        .hasMessage("Unauthorized");
  }

  @Test
  void recoveryAfterTheOutageRefreshesAgain() {
    Authorizer authorizer = authorizer(new CountingClients(server), Map.of());
    assertAllowed(decide(authorizer, KID));
    String table = keys.table();
    dropTable();
    clock.advance(Duration.ofSeconds(61));
    assertRejected(decide(authorizer, KID), Reason.KEYS_UNAVAILABLE);
    // the table comes back (same name, same rows)
    new TemplateResources(SamTemplate.load(), server.clients()).createTable("KeyTable", table);
    keys.put(KID, KeyState.CURRENT, material(KID), NOW + 86_400);
    clock.advance(EdgeKeyCache.RETRY_INTERVAL);
    Decision d = decide(authorizer, KID);
    assertAllowed(d);
    assertThat(d.degraded()).isFalse();
  }

  @Test
  void kmsUnreachableKeepsKnownKeysAndFailsClosedOnlyForUndecryptableNewOnes() {
    // the real key store and cipher on moto; KMS calls fail while the switch is on
    AtomicBoolean kmsDown = new AtomicBoolean(false);
    KeyStore store = new KeyStore(server.clients().dynamoDb(), keys.table());
    KeyMaterialCipher cipher = new KeyMaterialCipher(server.clients().kms(), keys.kmsKeyId());
    EdgeKeyCache cache = new EdgeKeyCache(keys.keySet(), store, (set, kid, blob, deadline) -> {
      if (kmsDown.get()) {
        throw SdkClientException.create("Unable to execute HTTP request: Connect to kms failed");
      }
      return cipher.decrypt(set, kid, blob, deadline);
    }, clock, Duration.ofSeconds(60), Duration.ZERO, AuthorizerConfig.KEY_REFRESH_BUDGET, w -> { });
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

  // ---- the issuer's JWKS (Nimbus caches on the wall clock: what needs no waiting is tested here)

  @Test
  void aFirstJwksFetchThatFailsIsJwksUnavailable() {
    LocalIssuer issuer = new LocalIssuer();
    issuer.down(true);
    AuthorizerCore core = edgeJwt(issuer.issuerKeys());
    assertRejected(core.decide(tokenRequest(issuer)), Reason.JWKS_UNAVAILABLE);
  }

  @Test
  void theCachedJwksServesWhileTheIssuerIsDown() {
    LocalIssuer issuer = new LocalIssuer();
    AuthorizerCore core = edgeJwt(issuer.issuerKeys());
    assertAllowed(core.decide(tokenRequest(issuer)));
    issuer.down(true);
    int before = issuer.fetches();
    Decision cached = core.decide(tokenRequest(issuer));
    assertAllowed(cached);
    assertThat(cached.degraded()).as("within the JWKS cache time: nothing fetched, nothing stale").isFalse();
    assertThat(issuer.fetches()).isEqualTo(before);
  }

  @Test
  void anUnknownKidWhileTheIssuerIsDownLeavesKnownKeysServingDegraded() {
    LocalIssuer issuer = new LocalIssuer();
    AuthorizerCore core = edgeJwt(issuer.issuerKeys());
    assertAllowed(core.decide(tokenRequest(issuer)));
    issuer.down(true);
    int before = issuer.fetches();
    String token = issuer.rs256(LocalIssuer.accessClaims("alice", clock.instant().getEpochSecond()));
    String[] p = token.split("\\.");
    String rotated = Minter.b64("{\"alg\":\"RS256\",\"kid\":\"rotated-in\"}") + "." + p[1] + "." + p[2];
    Decision unknown = core.decide(bound(rotated));
    assertThat(unknown.outcome()).isEqualTo(Decision.Outcome.UNAUTHORIZED);
    assertThat(issuer.fetches()).as("an unknown kid makes Nimbus fetch again").isEqualTo(before + 1);
    Decision known = core.decide(tokenRequest(issuer));
    assertAllowed(known);
    assertThat(known.degraded()).as("the origin failed after a good fetch").isTrue();
  }

  @Test
  void aJwksFetchThatFailedDuringPrimingIsRetriedByTheFirstRequestAtOnce() {
    LocalIssuer issuer = new LocalIssuer();
    issuer.down(true);
    IssuerKeys jwks = issuer.issuerKeys();
    AuthorizerCore core = edgeJwt(jwks);

    assertThat(jwks.fetch()).isFalse();
    issuer.down(false);
    assertAllowed(core.decide(tokenRequest(issuer)));
    assertThat(jwks.fetch()).as("cached now").isTrue();
    assertThat(issuer.fetches()).isEqualTo(2);
  }

  /** An edge+jwt core whose user tokens are verified against {@code jwks}, every route open. */
  private AuthorizerCore edgeJwt(IssuerKeys jwks) {
    UserTokenVerifier users = new UserTokenVerifier(LocalIssuer.ISSUER, Set.of(LocalIssuer.CLIENT_ID), TokenUse.ANY,
        List.of(), Duration.ofSeconds(30), Duration.ofSeconds(0), jwks, clock, null);
    return Cores.edgeJwt(users, RouteScopes.none(), clock);
  }

  private AuthRequest tokenRequest(LocalIssuer issuer) {
    return bound(issuer.rs256(LocalIssuer.accessClaims("alice", clock.instant().getEpochSecond())));
  }

  private AuthRequest bound(String token) {
    long now = clock.instant().getEpochSecond();
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
