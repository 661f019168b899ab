package dev.edgeperimeter.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgeperimeter.authorizer.core.AuthRequest;
import dev.edgeperimeter.authorizer.wiring.Authorizer;
import dev.edgeperimeter.authorizer.core.AuthorizerConfig;
import dev.edgeperimeter.authorizer.core.AuthorizerCore;
import dev.edgeperimeter.authorizer.core.Decision;
import dev.edgeperimeter.authorizer.core.Reason;
import dev.edgeperimeter.rotation.support.RotationFixture;
import dev.edgeperimeter.shared.config.Env;
import dev.edgeperimeter.shared.keys.KeyState;
import dev.edgeperimeter.testsupport.EdgeAssertionSigner;
import dev.edgeperimeter.testsupport.MotoExtension;
import dev.edgeperimeter.testsupport.MotoServer;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * End to end on one moto key table: the real authorizer (its runtime, key cache and verifier, as
 * the Lambda builds them) accepts assertions signed with NEXT, CURRENT and PREVIOUS keys and rejects
 * RETIRED and REVOKED ones right after each transition the real rotation makes, within its
 * key-cache TTL.
 */
@ExtendWith(MotoExtension.class)
class AuthorizerAcceptanceTest {
  private static final String ISSUER = "akamai-edgeworker:1234567";
  private static final String AUDIENCE = "orders-api";
  private static final Duration KEY_CACHE_TTL = Duration.ofSeconds(5);
  private static final String ARN = "arn:aws:execute-api:us-east-1:123456789012:abc123/prod/GET/orders/42";

  private final MotoServer moto;
  private RotationFixture world;
  private KeyRotator rotator;
  private AuthorizerCore authorizer;
  private int requests;

  AuthorizerAcceptanceTest(MotoServer moto) {
    this.moto = moto;
  }

  @BeforeEach
  void setUp() {
    world = new RotationFixture(moto, Instant.parse("2026-10-15T09:00:00Z"));
    rotator = world.rotator();
    AuthorizerConfig config = AuthorizerConfig.fromEnv(Env.of(Map.of(
        "AUTH_MODE", "edge",
        "KEY_TABLE_NAME", world.table,
        "KMS_KEY_ID", world.kmsKeyId,
        "EDGE_ISSUERS", ISSUER,
        "EDGE_AUDIENCE", AUDIENCE,
        "KEY_CACHE_TTL_SECONDS", Long.toString(KEY_CACHE_TTL.toSeconds()))))
        .withRouteScopes(dev.edgeperimeter.authorizer.policy.RouteScopes.none()); // about keys, not routes
    // the authorizer as deployed: the shared SDK key store and KMS cipher, on the same moto
    authorizer = Authorizer.create(config, world.moto.clients(), null, world.clock).pipeline().core();
  }

  @AfterEach
  void tearDown() {
    world.close();
  }

  /** One key-cache lifetime passes, as it does in a warm authorizer between transitions. */
  private void afterCacheTtl() {
    world.clock.advance(KEY_CACHE_TTL.plusSeconds(1));
  }

  private Decision request(String kid) {
    long now = world.clock.instant().getEpochSecond();
    String assertion = EdgeAssertionSigner.sign(kid, world.tableMaterial(kid),
        EdgeAssertionSigner.Claims.of(ISSUER, AUDIENCE, now, "req-" + ++requests, "GET", "/orders/42"));
    return authorizer.decide(AuthRequest.of("GET", "/orders/42", assertion, null, ARN));
  }

  private void assertAccepted(String kid, String when) {
    Decision d = request(kid);
    assertThat(d.outcome()).as(when + ": " + kid + " (" + world.key(kid).state() + ") " + d.reason())
        .isEqualTo(Decision.Outcome.ALLOW);
  }

  private void assertRejected(String kid, String when) {
    Decision d = request(kid);
    assertThat(d.outcome()).as(when + ": " + kid + " (" + world.key(kid).state() + ")")
        .isEqualTo(Decision.Outcome.UNAUTHORIZED);
    assertThat(d.reason()).as(when + ": reason").isEqualTo(Reason.KEY_INACTIVE);
  }

  @Test
  @DisplayName("after create, publish, promote, retire, rotate and revoke the authorizer accepts exactly NEXT, CURRENT, PREVIOUS")
  void acceptsExactlyTheOriginAcceptedStates() {
    String k1 = rotator.execute(new RotationCommand.Bootstrap(Trigger.operator("alice"), YearMonth.of(2026, 10))).kid();
    assertAccepted(k1, "after bootstrap (CURRENT)");

    world.clock.set(Instant.parse("2026-11-01T03:00:00Z"));
    world.failBefore(RotationStep.PUBLISH);
    assertThatThrownBy(() -> world.scheduled(rotator, "evt")).isInstanceOf(RotationException.class);
    String k2 = world.inState(KeyState.NEXT).get(0).kid();
    afterCacheTtl();
    assertAccepted(k2, "after create (NEXT, before the edge has it)");
    assertAccepted(k1, "after create (CURRENT)");

    world.scheduled(rotator, "evt");
    assertThat(world.key(k2).state()).isEqualTo(KeyState.CURRENT);
    assertThat(world.key(k1).state()).isEqualTo(KeyState.PREVIOUS);
    afterCacheTtl();
    assertAccepted(k2, "after promote (CURRENT)");
    assertAccepted(k1, "after promote (PREVIOUS, in the grace period)");

    world.clock.advance(Duration.ofHours(48));
    rotator.execute(new RotationCommand.Status(Trigger.schedule("daily-check")));
    assertThat(world.key(k1).state()).isEqualTo(KeyState.RETIRED);
    afterCacheTtl();
    assertRejected(k1, "after retire (RETIRED)");
    assertAccepted(k2, "after retire (CURRENT)");

    world.clock.set(Instant.parse("2026-12-01T03:00:00Z"));
    String k3 = world.scheduled(rotator, "evt-dec").kid();
    afterCacheTtl();
    assertAccepted(k3, "after December rotation (CURRENT)");
    assertAccepted(k2, "after December rotation (PREVIOUS)");

    rotator.execute(new RotationCommand.Revoke(Trigger.operator("bob"), k2, "leaked", YearMonth.of(2026, 12)));
    assertThat(world.key(k2).state()).isEqualTo(KeyState.REVOKED);
    afterCacheTtl();
    assertRejected(k2, "after revoking PREVIOUS (REVOKED)");
    assertAccepted(k3, "after revoking PREVIOUS (CURRENT)");
    assertRejected(k1, "still RETIRED");
  }

  @Test
  @DisplayName("revoking CURRENT: the revoked key is rejected and its replacement accepted within one cache TTL")
  void revokeCurrent() {
    String k1 = rotator.execute(new RotationCommand.Bootstrap(Trigger.operator("alice"), YearMonth.of(2026, 10))).kid();
    assertAccepted(k1, "before revoke");
    rotator.execute(new RotationCommand.Revoke(Trigger.operator("bob"), k1, "leaked", YearMonth.of(2026, 10)));
    String k2 = world.inState(KeyState.CURRENT).get(0).kid();
    afterCacheTtl();
    assertRejected(k1, "after revoking CURRENT");
    assertAccepted(k2, "the replacement");
  }
}
