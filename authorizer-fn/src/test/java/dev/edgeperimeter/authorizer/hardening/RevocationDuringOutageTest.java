package dev.edgeperimeter.authorizer.hardening;

import static dev.edgeperimeter.authorizer.support.Cores.assertAllowed;
import static dev.edgeperimeter.authorizer.support.Cores.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;

import dev.edgeperimeter.authorizer.core.AuthRequest;
import dev.edgeperimeter.authorizer.core.AuthorizerConfig;
import dev.edgeperimeter.authorizer.core.Decision;
import dev.edgeperimeter.authorizer.core.Reason;
import dev.edgeperimeter.authorizer.support.CountingClients;
import dev.edgeperimeter.authorizer.support.Minter;
import dev.edgeperimeter.authorizer.support.MotoKeys;
import dev.edgeperimeter.authorizer.wiring.Authorizer;
import dev.edgeperimeter.shared.config.Env;
import dev.edgeperimeter.shared.keys.KeySetSource;
import dev.edgeperimeter.shared.keys.KeyState;
import dev.edgeperimeter.shared.keys.MaterialDecrypter;
import dev.edgeperimeter.testsupport.MotoExtension;
import dev.edgeperimeter.testsupport.MotoServer;
import dev.edgeperimeter.testsupport.MutableClock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Revocation holds during an outage. With the defaults, a key the table marks {@code REVOKED} is
 * refused within one key-cache TTL (60 s), and when DynamoDB and KMS become unreachable the key set
 * is not used past its TTL either: requests fail closed ({@code keys_unavailable}), so a key revoked
 * just before the outage cannot keep working through it. Serving longer is the opt-in
 * {@code KEY_STALE_SERVING_SECONDS}, whose decisions are flagged degraded.
 *
 * <p>The outage: the authorizer's SDK clients are switched to an endpoint where nothing listens.
 */
@ExtendWith(MotoExtension.class)
@DisplayName("Hardening: revocation holds during a DynamoDB / KMS outage")
class RevocationDuringOutageTest {
  private static final long NOW = Minter.NOW;
  private static final String KID = "k-revoke.cur";
  private final MotoServer server;
  private MotoKeys keys;
  private MutableClock clock;
  private volatile boolean outage;

  RevocationDuringOutageTest(MotoServer server) {
    this.server = server;
  }

  @BeforeEach
  void setUp() {
    keys = new MotoKeys(server, "revocation");
    keys.put(KID, KeyState.CURRENT, material(KID), NOW + 86_400);
    clock = MutableClock.at(NOW);
  }

  private static byte[] material(String kid) {
    return Minter.key("revocation/" + kid);
  }

  /** An authorizer on moto whose DynamoDB and KMS calls go nowhere while {@link #outage} is on. */
  private Authorizer authorizer(Map<String, String> overrides) {
    Map<String, String> env = new HashMap<>(keys.edgeEnvironment());
    env.putAll(overrides);
    AuthorizerConfig config = AuthorizerConfig.fromEnv(Env.of(env)).withRouteScopes(dev.edgeperimeter.authorizer.policy.RouteScopes.none());
    CountingClients up = new CountingClients(server);
    CountingClients down = CountingClients.unreachable(server);
    KeySetSource rows = (set, deadline) -> (outage ? down : up).keyStore(config).load(set, deadline);
    MaterialDecrypter kms = (set, kid, blob, deadline) -> (outage ? down : up).cipher(config).decrypt(set, kid, blob, deadline);
    return Authorizer.create(config, rows, kms, null, clock);
  }

  private Decision decide(Authorizer authorizer) {
    long now = clock.instant().getEpochSecond();
    var c = Minter.claims("GET", "/orders/42");
    c.put("iat", now - 5);
    c.put("exp", now + 55);
    return authorizer.pipeline().core().decide(AuthRequest.of("GET", "/orders/42",
        Minter.sign(material(KID), Minter.header(KID), c), null, Minter.arn("GET", "/orders/42")));
  }

  @Test
  @DisplayName("a key revoked in the table is refused within one TTL")
  void aRevokedKeyIsRefusedWithinOneTtl() {
    Authorizer authorizer = authorizer(Map.of());
    assertAllowed(decide(authorizer));
    keys.setState(KID, KeyState.REVOKED);
    clock.advance(Duration.ofSeconds(59));
    assertAllowed(decide(authorizer));
    clock.advance(Duration.ofSeconds(1));
    assertRejected(decide(authorizer), Reason.KEY_INACTIVE);
  }

  @Test
  @DisplayName("default: DynamoDB and KMS unreachable, requests fail closed one TTL after the last good read")
  void withTheDefaultsAnOutageFailsClosedAfterOneTtl() {
    Authorizer authorizer = authorizer(Map.of());
    assertAllowed(decide(authorizer));
    keys.setState(KID, KeyState.REVOKED); // revoked just before the table became unreachable
    outage = true;
    clock.advance(Duration.ofSeconds(59));
    assertAllowed(decide(authorizer));
    clock.advance(Duration.ofSeconds(1));
    assertRejected(decide(authorizer), Reason.KEYS_UNAVAILABLE);
    clock.advance(Duration.ofSeconds(900));
    assertRejected(decide(authorizer), Reason.KEYS_UNAVAILABLE);
  }

  @Test
  @DisplayName("default: after the outage the revocation is read and holds")
  void afterTheOutageTheRevocationIsRead() {
    Authorizer authorizer = authorizer(Map.of());
    assertAllowed(decide(authorizer));
    keys.setState(KID, KeyState.REVOKED);
    outage = true;
    clock.advance(Duration.ofSeconds(61));
    assertRejected(decide(authorizer), Reason.KEYS_UNAVAILABLE);
    outage = false;
    clock.advance(Duration.ofSeconds(10));
    assertRejected(decide(authorizer), Reason.KEY_INACTIVE);
  }

  @Test
  @DisplayName("KEY_STALE_SERVING_SECONDS=300: the last good set serves, degraded, for 300 s more, then fails closed")
  void staleServingIsAnOptInWithDegradedDecisions() {
    Authorizer authorizer = authorizer(Map.of("KEY_STALE_SERVING_SECONDS", "300"));
    assertAllowed(decide(authorizer));
    keys.setState(KID, KeyState.REVOKED);
    outage = true;
    clock.advance(Duration.ofSeconds(60));
    Decision stale = decide(authorizer);
    assertAllowed(stale); // what the opt-in trades away: the revocation is not seen during the outage
    assertThat(stale.degraded()).isTrue();
    clock.advance(Duration.ofSeconds(299));
    assertThat(decide(authorizer).degraded()).isTrue();
    clock.advance(Duration.ofSeconds(1));
    assertRejected(decide(authorizer), Reason.KEYS_UNAVAILABLE);
  }
}
