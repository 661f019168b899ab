package dev.edgeperimeter.authorizer.keys;

import static dev.edgeperimeter.authorizer.support.Cores.assertAllowed;
import static dev.edgeperimeter.authorizer.support.Cores.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;

import dev.edgeperimeter.authorizer.core.AuthRequest;
import dev.edgeperimeter.authorizer.core.AuthorizerConfig;
import dev.edgeperimeter.authorizer.core.AuthorizerCore;
import dev.edgeperimeter.authorizer.core.Decision;
import dev.edgeperimeter.authorizer.core.Reason;
import dev.edgeperimeter.authorizer.support.CountingClients;
import dev.edgeperimeter.authorizer.support.Minter;
import dev.edgeperimeter.authorizer.support.MotoKeys;
import dev.edgeperimeter.shared.config.Env;
import dev.edgeperimeter.shared.keys.KeyState;
import dev.edgeperimeter.testsupport.MotoExtension;
import dev.edgeperimeter.testsupport.MotoServer;
import dev.edgeperimeter.testsupport.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Contract section 1 as the origin applies it, on a real key table and KMS key in moto. */
@ExtendWith(MotoExtension.class)
@DisplayName("Key states: NEXT/CURRENT/PREVIOUS accepted; RETIRED, REVOKED, past notAfter, unknown rejected")
class KeyStatesTest {
  private static final long NOW = Minter.NOW;
  private final MotoServer server;
  private MotoKeys keys;
  private MutableClock clock;
  private CountingClients clients;
  private AuthorizerCore core;

  KeyStatesTest(MotoServer server) {
    this.server = server;
  }

  @BeforeEach
  void setUp() {
    keys = new MotoKeys(server, "states");
    for (KeyState s : KeyState.values()) {
      keys.put(kid(s), s, material(kid(s)), NOW + 86_400);
    }
    keys.put("k-expired", KeyState.CURRENT, material("k-expired"), NOW - 1);
    clock = MutableClock.at(NOW);
    clients = new CountingClients(server);
    core = clients.authorizer(AuthorizerConfig.fromEnv(Env.of(keys.edgeEnvironment())).withRouteScopes(dev.edgeperimeter.authorizer.policy.RouteScopes.none()), clock).pipeline().core();
  }

  private static String kid(KeyState s) {
    return "k-" + s.name().toLowerCase();
  }

  private static byte[] material(String kid) {
    return Minter.key("states/" + kid);
  }

  private Decision decide(String kid) {
    long now = clock.instant().getEpochSecond();
    var c = Minter.claims("GET", "/orders/42");
    c.put("iat", now - 5);
    c.put("exp", now + 55);
    return core.decide(AuthRequest.of("GET", "/orders/42", Minter.sign(material(kid), Minter.header(kid), c),
        null, Minter.arn("GET", "/orders/42")));
  }

  @Test
  void acceptedStates() {
    assertAllowed(decide(kid(KeyState.NEXT)));
    assertAllowed(decide(kid(KeyState.CURRENT)));
    assertAllowed(decide(kid(KeyState.PREVIOUS)));
  }

  @Test
  void rejectedStates() {
    assertRejected(decide(kid(KeyState.RETIRED)), Reason.KEY_INACTIVE);
    assertRejected(decide(kid(KeyState.REVOKED)), Reason.KEY_INACTIVE);
    assertRejected(decide("k-expired"), Reason.KEY_INACTIVE);
    assertRejected(decide("k-never-existed"), Reason.UNKNOWN_KID);
  }

  @Test
  void inactiveKeysAreNeverDecrypted() {
    decide(kid(KeyState.CURRENT));
    assertThat(clients.calls("KMS.Decrypt")).as("only NEXT, CURRENT, PREVIOUS").isEqualTo(3);
  }

  @Test
  void revocationTakesEffectWithinOneCacheTtl() {
    assertAllowed(decide(kid(KeyState.CURRENT)));
    keys.setState(kid(KeyState.CURRENT), KeyState.REVOKED);
    clock.advance(Duration.ofSeconds(59));
    assertAllowed(decide(kid(KeyState.CURRENT)));
    clock.advance(Duration.ofSeconds(1));
    assertRejected(decide(kid(KeyState.CURRENT)), Reason.KEY_INACTIVE);
  }

  @Test
  void notAfterPassingWhileCachedRejectsWithoutARefresh() {
    keys.put("k-short", KeyState.CURRENT, material("k-short"), NOW + 10);
    assertAllowed(decide("k-short"));
    clock.advance(Duration.ofSeconds(11));
    clients.reset();
    assertRejected(decide("k-short"), Reason.KEY_INACTIVE);
    assertThat(clients.total()).isZero();
  }

  @Test
  void aNewNextKeyIsLearntAtOnceAndUnknownKidsRefreshAtMostOncePer10Seconds() {
    assertAllowed(decide(kid(KeyState.CURRENT)));
    keys.put("k-brand-new", KeyState.NEXT, material("k-brand-new"), NOW + 86_400);
    clients.reset();
    assertAllowed(decide("k-brand-new"));
    assertThat(clients.calls("DynamoDB.Query")).isEqualTo(1);
    assertThat(clients.calls("KMS.Decrypt")).as("only the new key is decrypted").isEqualTo(1);
    clients.reset();
    for (int i = 0; i < 20; i++) {
      assertRejected(decide("k-random-" + i), Reason.UNKNOWN_KID);
    }
    assertThat(clients.calls("DynamoDB.Query")).as("no refresh within 10 s of the last").isZero();
    clock.advance(Duration.ofSeconds(10));
    assertRejected(decide("k-random-x"), Reason.UNKNOWN_KID);
    assertThat(clients.calls("DynamoDB.Query")).isEqualTo(1);
  }

  @Test
  void ciphertextFromAnotherKidDoesNotDecrypt() {
    // copy CURRENT's ciphertext into a new row: the encryption context names the original kid
    var item = keys.server().clients().dynamoDb().getItem(b -> b.tableName(keys.table())
        .key(dev.edgeperimeter.shared.keys.KeyTable.key(keys.keySet(), kid(KeyState.CURRENT)))).item();
    var copy = new java.util.HashMap<>(item);
    copy.put("sk", dev.edgeperimeter.shared.keys.KeyTable.s("KEY#k-copied"));
    copy.put("kid", dev.edgeperimeter.shared.keys.KeyTable.s("k-copied"));
    keys.server().clients().dynamoDb().putItem(b -> b.tableName(keys.table()).item(copy));
    var c = Minter.claims("GET", "/orders/42");
    Decision d = core.decide(AuthRequest.of("GET", "/orders/42",
        Minter.sign(material(kid(KeyState.CURRENT)), Minter.header("k-copied"), c), null, Minter.arn("GET", "/orders/42")));
    assertThat(d.outcome()).isEqualTo(Decision.Outcome.UNAUTHORIZED);
    assertThat(d.reason()).isIn(Reason.KEYS_UNAVAILABLE, Reason.UNKNOWN_KID);
  }
}
