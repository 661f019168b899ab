package dev.edgeperimeter.rotation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgeperimeter.rotation.support.RotationFixture;
import dev.edgeperimeter.shared.keys.KeyRecord;
import dev.edgeperimeter.shared.keys.KeyState;
import dev.edgeperimeter.testsupport.MotoExtension;
import dev.edgeperimeter.testsupport.MotoServer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The key lifecycle over simulated months (contract section 1): NEXT → CURRENT → PREVIOUS →
 * RETIRED, the grace period, TTL attributes, exactly one CURRENT after every step, and what the
 * origin accepts (shared {@code KeyStore.load} + {@code KeyRecord.acceptedAt}) after each transition.
 */
@ExtendWith(MotoExtension.class)
class KeyLifecycleTest {
  private final MotoServer moto;
  private RotationFixture world;
  private KeyRotator rotator;

  KeyLifecycleTest(MotoServer moto) {
    this.moto = moto;
  }

  @BeforeEach
  void setUp() {
    world = new RotationFixture(moto, Instant.parse("2026-10-15T09:00:00Z"));
    rotator = world.rotator();
  }

  @AfterEach
  void tearDown() {
    world.close();
  }

  private RotationResult bootstrap() {
    return rotator.execute(new RotationCommand.Bootstrap(Trigger.operator("alice"), java.time.YearMonth.of(2026, 10)));
  }

  private RotationResult status() {
    return rotator.execute(new RotationCommand.Status(Trigger.schedule("daily-check")));
  }

  private void assertOneCurrent() {
    assertThat(world.inState(KeyState.CURRENT)).hasSize(1);
  }

  @Test
  @DisplayName("bootstrap, three monthly rotations and daily checks move every key through its states")
  void monthsOfRotation() {
    RotationResult first = bootstrap();
    assertThat(first.outcome()).isEqualTo("BOOTSTRAPPED");
    String k1 = first.kid();
    assertThat(k1).matches("2026-10\\.[A-Za-z0-9_-]{12}");
    assertOneCurrent();
    KeyRecord key1 = world.key(k1);
    assertThat(key1.alg()).isEqualTo("HS256");
    assertThat(key1.activatedAt()).contains(Instant.parse("2026-10-15T09:00:00Z"));
    assertThat(key1.notAfter()).isEqualTo(Instant.parse("2026-10-15T09:00:00Z").plus(Duration.ofDays(100)).getEpochSecond());
    assertThat(key1.expiresAt()).isEmpty();
    assertThat(key1.version()).isEqualTo(2);
    assertThat(world.acceptedNow()).containsExactly(k1);
    assertThat(world.edgeKid("staging")).contains(k1);
    assertThat(world.edgeKid("production")).contains(k1);
    assertThat(world.edgeMaterial("production")).isEqualTo(world.tableMaterial(k1)).hasSize(32);

    world.clock.set(Instant.parse("2026-11-01T03:00:07Z"));
    RotationResult nov = world.scheduled(rotator, "evt-nov");
    assertThat(nov.outcome()).isEqualTo("ROTATED");
    String k2 = nov.kid();
    assertThat(k2).startsWith("2026-11.").isNotEqualTo(k1);
    assertOneCurrent();
    assertThat(world.states()).isEqualTo(Map.of(k1, KeyState.PREVIOUS, k2, KeyState.CURRENT));
    assertThat(world.key(k1).retiredAt()).contains(Instant.parse("2026-11-01T03:00:07Z"));
    assertThat(world.key(k1).version()).isEqualTo(3);
    assertThat(world.acceptedNow()).containsExactlyInAnyOrder(k1, k2);
    assertThat(world.edgeKid("staging")).contains(k2);
    assertThat(world.edgeMaterial("staging")).isEqualTo(world.tableMaterial(k2));

    world.clock.advance(Duration.ofHours(47));
    assertThat(status().changes()).isEmpty();
    assertThat(world.acceptedNow()).containsExactlyInAnyOrder(k1, k2);

    world.clock.advance(Duration.ofHours(1));
    RotationResult check = status();
    assertThat(check.changes()).containsExactly(k1 + ": PREVIOUS -> RETIRED");
    KeyRecord retired = world.key(k1);
    assertThat(retired.state()).isEqualTo(KeyState.RETIRED);
    assertThat(retired.expiresAt()).contains(world.clock.instant().plus(Duration.ofDays(30)).getEpochSecond());
    assertThat(world.acceptedNow()).containsExactly(k2);
    assertOneCurrent();

    world.clock.set(Instant.parse("2026-12-01T03:00:02Z"));
    String k3 = world.scheduled(rotator, "evt-dec").kid();
    assertThat(world.states()).isEqualTo(Map.of(k1, KeyState.RETIRED, k2, KeyState.PREVIOUS, k3, KeyState.CURRENT));
    world.clock.set(Instant.parse("2027-01-01T03:00:00Z"));
    String k4 = world.scheduled(rotator, "evt-jan").kid();
    assertThat(k4).startsWith("2027-01.");
    assertThat(world.states()).isEqualTo(Map.of(k1, KeyState.RETIRED, k2, KeyState.RETIRED, k3, KeyState.PREVIOUS,
        k4, KeyState.CURRENT));
    assertThat(world.acceptedNow()).containsExactlyInAnyOrder(k3, k4);
    assertThat(world.telemetry.count("RotationSucceeded")).isEqualTo(4);
    assertThat(world.telemetry.count("RotationFailed")).isZero();
  }

  @Test
  @DisplayName("the origin accepts NEXT, CURRENT and PREVIOUS and rejects RETIRED and REVOKED after each transition")
  void acceptedSetAfterEachTransition() {
    String k1 = bootstrap().kid();
    world.clock.set(Instant.parse("2026-11-01T03:00:00Z"));

    world.failBefore(RotationStep.PUBLISH);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> world.scheduled(rotator, "evt"))
        .isInstanceOf(RotationException.class);
    String k2 = world.inState(KeyState.NEXT).get(0).kid();
    assertThat(world.acceptedNow()).as("after create: NEXT is accepted before the edge uses it")
        .containsExactlyInAnyOrder(k1, k2);

    world.failBefore(RotationStep.PROMOTE);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> world.scheduled(rotator, "evt"))
        .isInstanceOf(RotationException.class);
    assertThat(world.edgeKid("production")).as("after publish").contains(k2);
    assertThat(world.acceptedNow()).containsExactlyInAnyOrder(k1, k2);

    world.scheduled(rotator, "evt");
    assertThat(world.acceptedNow()).as("after promote").containsExactlyInAnyOrder(k1, k2);

    world.clock.advance(Duration.ofHours(48));
    status();
    assertThat(world.acceptedNow()).as("after retire").containsExactly(k2);

    world.clock.set(Instant.parse("2026-12-01T03:00:00Z"));
    String k3 = world.scheduled(rotator, "evt-dec").kid();
    rotator.execute(new RotationCommand.Revoke(Trigger.operator("bob"), k2, "leaked", java.time.YearMonth.of(2026, 12)));
    assertThat(world.acceptedNow()).as("after revoking PREVIOUS").containsExactly(k3);
    assertThat(Set.copyOf(world.states().values())).contains(KeyState.RETIRED, KeyState.REVOKED, KeyState.CURRENT);
  }

  @Test
  @DisplayName("a key past notAfter is rejected even while its row still says CURRENT")
  void notAfterIsHonoured() {
    String k1 = bootstrap().kid();
    world.clock.advance(Duration.ofDays(100).plusSeconds(1));
    assertThat(world.key(k1).state()).isEqualTo(KeyState.CURRENT);
    assertThat(world.acceptedNow()).isEmpty();
  }

  @Test
  @DisplayName("helper rows (marker, period lock) are invisible to KeyStore.load")
  void helperRowsAreNotKeys() {
    bootstrap();
    assertThat(world.row("ROTATION")).containsKeys("edgeKid", "version");
    assertThat(world.row("PERIOD#2026-10")).containsKeys("kid", "expiresAt");
    assertThat(world.keys()).hasSize(1);
  }
}
