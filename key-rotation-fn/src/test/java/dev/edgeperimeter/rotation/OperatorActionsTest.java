package dev.edgeperimeter.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgeperimeter.rotation.edge.EdgeKey;
import dev.edgeperimeter.rotation.edge.EdgeKeyPublisher;
import dev.edgeperimeter.rotation.edge.EdgeKvPublisher;
import dev.edgeperimeter.rotation.edge.EdgePublishException;
import dev.edgeperimeter.rotation.support.RotationFixture;
import dev.edgeperimeter.shared.crypto.Base64Url;
import dev.edgeperimeter.shared.keys.KeyRecord;
import dev.edgeperimeter.shared.keys.KeyState;
import dev.edgeperimeter.testsupport.MotoExtension;
import dev.edgeperimeter.testsupport.MotoServer;
import java.time.Instant;
import java.time.YearMonth;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Operator actions: revoke (CURRENT, PREVIOUS, NEXT, unknown), bootstrap, status, forced rotation. */
@ExtendWith(MotoExtension.class)
class OperatorActionsTest {
  private static final YearMonth NOV = YearMonth.of(2026, 11);
  private final MotoServer moto;
  private RotationFixture world;
  private KeyRotator rotator;

  OperatorActionsTest(MotoServer moto) {
    this.moto = moto;
  }

  @BeforeEach
  void setUp() {
    world = new RotationFixture(moto, Instant.parse("2026-11-05T12:00:00Z"));
    rotator = world.rotator();
  }

  @AfterEach
  void tearDown() {
    world.close();
  }

  private String bootstrap() {
    return rotator.execute(new RotationCommand.Bootstrap(Trigger.operator("alice"), NOV)).kid();
  }

  private RotationResult revoke(String kid) {
    return rotator.execute(new RotationCommand.Revoke(Trigger.operator("alice"), kid, "suspected leak", NOV));
  }

  @Test
  @DisplayName("bootstrap on an empty table creates, publishes and activates the first key; a second bootstrap does nothing")
  void bootstrapOnEmptyTable() {
    assertThat(world.keys()).isEmpty();
    RotationResult result = rotator.execute(new RotationCommand.Bootstrap(Trigger.operator("alice"), NOV));
    assertThat(result.outcome()).isEqualTo("BOOTSTRAPPED");
    assertThat(result.changes()).containsExactly(result.kid() + ": (new) -> NEXT", result.kid() + ": NEXT -> CURRENT");
    assertThat(world.states()).isEqualTo(Map.of(result.kid(), KeyState.CURRENT));
    assertThat(world.edgeKid("staging")).contains(result.kid());

    RotationResult again = rotator.execute(new RotationCommand.Bootstrap(Trigger.operator("alice"), NOV));
    assertThat(again.outcome()).isEqualTo("ALREADY_BOOTSTRAPPED");
    assertThat(world.keys()).hasSize(1);
  }

  @Test
  @DisplayName("revoking CURRENT publishes a replacement, then revokes CURRENT and activates the replacement in one step")
  void revokeCurrent() {
    String k1 = bootstrap();
    RotationResult result = revoke(k1);
    assertThat(result.outcome()).isEqualTo("REVOKED");
    String k2 = (String) result.details().get("current");
    assertThat(world.states()).isEqualTo(Map.of(k1, KeyState.REVOKED, k2, KeyState.CURRENT));
    assertThat(world.acceptedNow()).containsExactly(k2);
    assertThat(world.edgeKid("staging")).contains(k2);
    assertThat(world.edgeKid("production")).contains(k2);
    assertThat(world.row("KEY#" + k1)).containsKeys("revokedAt", "revokeReason");
    assertThat(world.telemetry.changes()).filteredOn(c -> c.to() == KeyState.REVOKED)
        .singleElement().satisfies(c -> assertThat(c.trigger()).isEqualTo("operator:alice"));

    RotationResult again = revoke(k1);
    assertThat(again.outcome()).isEqualTo("ALREADY_REVOKED");
    assertThat(again.changes()).isEmpty();
  }

  @Test
  @DisplayName("revoking CURRENT publishes the replacement before the swap: the edge is moved off the key before it is revoked")
  void revokeCurrentPublishesBeforePromoting() {
    String k1 = bootstrap();
    EdgeKvPublisher edgeKv = world.publisher();
    List<Map<String, KeyState>> statesAtPublish = new java.util.ArrayList<>();
    KeyRotator observed = world.rotator(new EdgeKeyPublisher() {
      @Override
      public boolean enabled() {
        return true;
      }

      @Override
      public String describe() {
        return edgeKv.describe();
      }

      @Override
      public void publish(EdgeKey key) throws EdgePublishException {
        statesAtPublish.add(world.states());
        edgeKv.publish(key);
      }
    });
    RotationResult result = observed.execute(new RotationCommand.Revoke(Trigger.operator("alice"), k1, "suspected leak",
        NOV));
    String k2 = (String) result.details().get("current");
    assertThat(statesAtPublish).as("key states whenever the edge was given a key")
        .containsExactly(Map.of(k1, KeyState.CURRENT, k2, KeyState.NEXT));
    assertThat(world.states()).isEqualTo(Map.of(k1, KeyState.REVOKED, k2, KeyState.CURRENT));
    assertThat(world.edgeKid("production")).contains(k2);
  }

  @Test
  @DisplayName("revoking CURRENT while the edge is unreachable still revokes at once; rerunning the revoke publishes")
  void revokeCurrentWithEdgeDown() {
    String k1 = bootstrap();
    world.edge.failNext(100, 503);
    assertThatThrownBy(() -> revoke(k1)).isInstanceOf(RotationException.class).hasMessageContaining("HTTP 503")
        .hasMessageContaining("is REVOKED");
    assertThat(world.key(k1).state()).isEqualTo(KeyState.REVOKED);
    assertThat(world.inState(KeyState.CURRENT)).hasSize(1);
    String k2 = world.inState(KeyState.CURRENT).get(0).kid();
    assertThat(world.acceptedNow()).containsExactly(k2);
    assertThat(world.edgeKid("staging")).contains(k1);

    world.edge.clearFailures();
    assertThat(revoke(k1).outcome()).isEqualTo("ALREADY_REVOKED");
    assertThat(world.edgeKid("staging")).contains(k2);
    assertThat(world.edgeKid("production")).contains(k2);
  }

  @Test
  @DisplayName("revoking PREVIOUS changes only that key; the edge keeps CURRENT")
  void revokePrevious() {
    String k1 = bootstrap();
    world.clock.set(Instant.parse("2026-12-01T03:00:00Z"));
    String k2 = world.scheduled(rotator, "evt").kid();
    world.edge.clearRequests();
    RotationResult result = rotator.execute(new RotationCommand.Revoke(Trigger.operator("bob"), k1, "audit finding",
        YearMonth.of(2026, 12)));
    assertThat(result.outcome()).isEqualTo("REVOKED");
    assertThat(world.states()).isEqualTo(Map.of(k1, KeyState.REVOKED, k2, KeyState.CURRENT));
    assertThat(world.edge.requests()).isEmpty();
  }

  @Test
  @DisplayName("revoking a published NEXT cancels the rotation and puts CURRENT back on the edge")
  void revokePublishedNext() {
    String k1 = bootstrap();
    world.clock.set(Instant.parse("2026-12-01T03:00:00Z"));
    world.failBefore(RotationStep.PROMOTE);
    assertThatThrownBy(() -> world.scheduled(rotator, "evt")).isInstanceOf(RotationException.class);
    String next = world.inState(KeyState.NEXT).get(0).kid();
    assertThat(world.edgeKid("staging")).contains(next);

    rotator.execute(new RotationCommand.Revoke(Trigger.operator("bob"), next, "bad entropy", YearMonth.of(2026, 12)));
    assertThat(world.states()).isEqualTo(Map.of(k1, KeyState.CURRENT, next, KeyState.REVOKED));
    assertThat(world.row("ROTATION")).doesNotContainKey("pendingKid");
    assertThat(world.edgeKid("staging")).contains(k1);
    assertThat(world.edgeKid("production")).contains(k1);

    RotationResult forced = rotator.execute(new RotationCommand.Rotate(Trigger.operator("bob"), YearMonth.of(2026, 12), true));
    assertThat(forced.outcome()).isEqualTo("ROTATED");
    assertThat(world.inState(KeyState.CURRENT)).singleElement().extracting(KeyRecord::kid).isNotEqualTo(k1);
  }

  @Test
  @DisplayName("revoking an unknown kid is refused and changes nothing")
  void revokeUnknown() {
    bootstrap();
    Map<String, KeyState> before = world.states();
    assertThatThrownBy(() -> revoke("2026-11.doesnotexist"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("field 'kid'")
        .hasMessageContaining("nothing was changed");
    assertThat(world.states()).isEqualTo(before);
    assertThat(world.telemetry.count("CommandRejected")).isEqualTo(1);
  }

  @Test
  @DisplayName("a forced rotation rotates an already rotated period")
  void forcedRotation() {
    String k1 = bootstrap();
    RotationResult plain = rotator.execute(new RotationCommand.Rotate(Trigger.operator("bob"), NOV, false));
    assertThat(plain.outcome()).isEqualTo("ALREADY_ROTATED");
    RotationResult forced = rotator.execute(new RotationCommand.Rotate(Trigger.operator("bob"), NOV, true));
    assertThat(forced.outcome()).isEqualTo("ROTATED");
    assertThat(world.states()).isEqualTo(Map.of(k1, KeyState.PREVIOUS, forced.kid(), KeyState.CURRENT));
  }

  @Test
  @DisplayName("status lists the key set without material")
  void statusHasNoMaterial() {
    String k1 = bootstrap();
    RotationResult status = rotator.execute(new RotationCommand.Status(Trigger.operator("alice")));
    Map<String, Object> map = status.toMap();
    assertThat(map).containsEntry("kid", k1).containsEntry("edgeKid", k1);
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> keys = (List<Map<String, Object>>) map.get("keys");
    assertThat(keys).singleElement().satisfies(k -> {
      assertThat(k).containsEntry("state", "CURRENT").containsEntry("acceptedNow", true);
      assertThat(k).doesNotContainKeys("material", "k", "encryptedMaterial");
    });
    String rendered = map.toString();
    assertThat(rendered).doesNotContain(Base64Url.encode(world.tableMaterial(k1)))
        .doesNotContain(java.util.Base64.getEncoder().encodeToString(world.key(k1).encryptedMaterial()));
    assertThat(world.telemetry.count("CurrentKeyAgeDays")).isGreaterThanOrEqualTo(1);
  }
}
