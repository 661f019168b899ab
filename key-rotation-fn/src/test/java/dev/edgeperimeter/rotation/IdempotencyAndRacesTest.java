package dev.edgeperimeter.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgeperimeter.rotation.support.RotationFixture;
import dev.edgeperimeter.shared.keys.KeyRecord;
import dev.edgeperimeter.shared.keys.KeyState;
import dev.edgeperimeter.testsupport.MotoExtension;
import dev.edgeperimeter.testsupport.MotoServer;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * At-least-once delivery and overlapping schedules converge on exactly one new key per period; a
 * run interrupted before any step is completed by the next run.
 */
@ExtendWith(MotoExtension.class)
class IdempotencyAndRacesTest {
  private static final Instant NOV_1 = Instant.parse("2026-11-01T03:00:00Z");
  private final MotoServer moto;
  private RotationFixture world;
  private KeyRotator rotator;
  private String k1;

  IdempotencyAndRacesTest(MotoServer moto) {
    this.moto = moto;
  }

  @BeforeEach
  void setUp() {
    world = new RotationFixture(moto, Instant.parse("2026-10-10T10:00:00Z"));
    rotator = world.rotator();
    k1 = world.bootstrappedInOctober(rotator, NOV_1);
  }

  @AfterEach
  void tearDown() {
    world.close();
  }

  private List<KeyRecord> novemberKeys() {
    return world.keys().stream().filter(k -> k.kid().startsWith("2026-11.")).toList();
  }

  private void assertRotatedOnce() {
    assertThat(novemberKeys()).hasSize(1);
    KeyRecord k2 = novemberKeys().get(0);
    assertThat(world.inState(KeyState.CURRENT)).extracting(KeyRecord::kid).containsExactly(k2.kid());
    assertThat(world.inState(KeyState.PREVIOUS)).extracting(KeyRecord::kid).containsExactly(k1);
    assertThat(world.inState(KeyState.NEXT)).isEmpty();
    assertThat(world.edgeKid("staging")).contains(k2.kid());
    assertThat(world.edgeKid("production")).contains(k2.kid());
    assertThat(world.row("ROTATION")).doesNotContainKey("pendingKid");
  }

  @Test
  @DisplayName("the same scheduled event delivered twice rotates once; the second run says so")
  void duplicateDelivery() {
    RotationResult first = world.scheduled(rotator, "evt-1");
    world.clock.advance(Duration.ofMinutes(3));
    RotationResult second = world.scheduled(rotator, "evt-1");
    assertThat(first.outcome()).isEqualTo("ROTATED");
    assertThat(second.outcome()).isEqualTo("ALREADY_ROTATED");
    assertThat(second.message()).contains("period 2026-11 was already rotated");
    assertThat(second.changes()).isEmpty();
    assertRotatedOnce();
    assertThat(world.telemetry.count("RotationSucceeded")).isEqualTo(1);
  }

  /**
   * Runs {@code runs} invocations at once, each with its own rotator and DynamoDB client (as
   * separate Lambda containers). Their requests meet in the world's serializing proxy, which
   * applies each write atomically, as DynamoDB does; the runs themselves are not ordered.
   */
  private List<String> concurrently(int runs, BiFunction<KeyRotator, Integer, RotationResult> invocation)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(runs);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<RotationResult>> results = new ArrayList<>();
      for (int i = 0; i < runs; i++) {
        KeyRotator own = world.containerRotator();
        int n = i;
        results.add(pool.submit(() -> {
          start.await();
          return invocation.apply(own, n);
        }));
      }
      start.countDown();
      List<String> outcomes = new ArrayList<>();
      for (Future<RotationResult> result : results) {
        outcomes.add(result.get().outcome());
      }
      return outcomes;
    } finally {
      pool.shutdown();
    }
  }

  private void assertExactlyOneRotated(List<String> outcomes) {
    assertRotatedOnce();
    assertThat(outcomes).containsOnly("ROTATED", "ALREADY_ROTATED");
    assertThat(outcomes).filteredOn("ROTATED"::equals).hasSize(1);
    assertThat(world.telemetry.count("RotationSucceeded")).isEqualTo(1);
    assertThat(world.telemetry.count("RotationFailed")).isZero();
    assertThat(world.telemetry.changes()).filteredOn(c -> c.to() == KeyState.NEXT).hasSize(1);
  }

  private static RotationCommand forced(String operator) {
    return new RotationCommand.Rotate(Trigger.operator(operator), YearMonth.of(2026, 11), true);
  }

  @Test
  @DisplayName("eight invocations at once create exactly one new key and exactly one of them reports ROTATED")
  void eightConcurrentRuns() throws Exception {
    assertExactlyOneRotated(concurrently(8, (own, i) -> world.scheduled(own, "evt-" + i)));
  }

  @Test
  @DisplayName("eight forced rotations at once create exactly one new key (the force lock)")
  void eightConcurrentForcedRuns() throws Exception {
    world.scheduled(rotator, "evt-nov");
    String scheduledKey = novemberKeys().get(0).kid();
    world.telemetry.clear();
    world.clock.advance(Duration.ofHours(1));

    List<String> outcomes = concurrently(8, (own, i) -> own.execute(forced("operator-" + i)));

    assertThat(outcomes).containsOnly("ROTATED", "ALREADY_ROTATED");
    assertThat(outcomes).filteredOn("ROTATED"::equals).hasSize(1);
    assertThat(world.telemetry.changes()).filteredOn(c -> c.to() == KeyState.NEXT).hasSize(1);
    assertThat(world.telemetry.count("RotationSucceeded")).isEqualTo(1);
    assertThat(world.telemetry.count("RotationFailed")).isZero();
    assertThat(novemberKeys()).hasSize(2);
    KeyRecord forcedKey = world.inState(KeyState.CURRENT).get(0);
    assertThat(forcedKey.kid()).isNotEqualTo(scheduledKey);
    assertThat(world.key(scheduledKey).state()).isEqualTo(KeyState.PREVIOUS);
    assertThat(world.edgeKid("production")).contains(forcedKey.kid());
    assertThat(world.row("FORCE")).containsKey("lockedUntil");
  }

  @Test
  @DisplayName("a second forced rotation within the lock window converges on the first; after it, it rotates again")
  void forceLockWindow() {
    RotationResult first = rotator.execute(forced("alice"));
    assertThat(first.outcome()).isEqualTo("ROTATED");

    world.clock.advance(KeyRotator.FORCE_WINDOW.minusMinutes(1));
    RotationResult duplicate = rotator.execute(forced("bob"));
    assertThat(duplicate.outcome()).isEqualTo("ALREADY_ROTATED");
    assertThat(duplicate.kid()).isEqualTo(first.kid());
    assertThat(duplicate.message()).contains("another forced rotation created a key within the last 10 minutes")
        .contains("kid " + first.kid()).contains("operator:alice");
    assertThat(duplicate.changes()).isEmpty();

    world.clock.advance(Duration.ofMinutes(1));
    RotationResult later = rotator.execute(forced("bob"));
    assertThat(later.outcome()).isEqualTo("ROTATED");
    assertThat(later.kid()).isNotEqualTo(first.kid());
    assertThat(world.inState(KeyState.CURRENT)).extracting(KeyRecord::kid).containsExactly(later.kid());
  }

  @ParameterizedTest(name = "crash before {0}, then rerun")
  @EnumSource(value = RotationStep.class, names = {"CREATE", "PUBLISH", "RECORD_PUBLISHED", "PROMOTE"})
  @DisplayName("a run interrupted before a step fails loudly and the next run completes the rotation")
  void interruptedRunResumes(RotationStep step) {
    world.failBefore(step);
    assertThatThrownBy(() -> world.scheduled(rotator, "evt-1"))
        .isInstanceOf(RotationException.class)
        .hasMessageContaining("simulated crash before " + step);
    assertThat(world.telemetry.count("RotationFailed")).isEqualTo(1);
    assertThat(world.inState(KeyState.CURRENT)).extracting(KeyRecord::kid).containsExactly(k1);
    assertThat(novemberKeys()).hasSize(step == RotationStep.CREATE ? 0 : 1);
    if (step != RotationStep.CREATE) {
      assertThat(novemberKeys().get(0).state()).isEqualTo(KeyState.NEXT);
    }

    world.clock.advance(Duration.ofMinutes(1));
    RotationResult rerun = world.scheduled(rotator, "evt-1");
    assertThat(rerun.outcome()).isEqualTo("ROTATED");
    assertRotatedOnce();
  }

  @Test
  @DisplayName("a daily check interrupted before retiring retires on the next run")
  void interruptedRetireResumes() {
    world.scheduled(rotator, "evt-1");
    world.clock.advance(Duration.ofHours(49));
    world.failBefore(RotationStep.RETIRE);
    assertThatThrownBy(() -> rotator.execute(new RotationCommand.Status(Trigger.schedule("daily-check"))))
        .isInstanceOf(RotationException.class);
    assertThat(world.key(k1).state()).isEqualTo(KeyState.PREVIOUS);
    rotator.execute(new RotationCommand.Status(Trigger.schedule("daily-check")));
    assertThat(world.key(k1).state()).isEqualTo(KeyState.RETIRED);
    assertThat(world.inState(KeyState.CURRENT)).hasSize(1);
  }

  @Test
  @DisplayName("a rotation that was interrupted last month is finished before this month's key is made")
  void staleNextIsFinishedFirst() {
    world.failBefore(RotationStep.PROMOTE);
    assertThatThrownBy(() -> world.scheduled(rotator, "evt-nov")).isInstanceOf(RotationException.class);
    String pending = world.inState(KeyState.NEXT).get(0).kid();
    world.clock.set(Instant.parse("2026-12-01T03:00:00Z"));
    RotationResult dec = world.scheduled(rotator, "evt-dec");
    assertThat(dec.outcome()).isEqualTo("ROTATED");
    assertThat(world.key(pending).state()).isEqualTo(KeyState.PREVIOUS);
    assertThat(world.inState(KeyState.CURRENT)).singleElement().extracting(KeyRecord::kid).asString()
        .startsWith("2026-12.");
    assertThat(world.key(k1).state()).as("demoted only now, so it gets its grace period").isEqualTo(KeyState.PREVIOUS);
    world.clock.advance(Duration.ofHours(48));
    rotator.execute(new RotationCommand.Status(Trigger.schedule("daily-check")));
    assertThat(world.key(k1).state()).isEqualTo(KeyState.RETIRED);
    assertThat(world.key(pending).state()).isEqualTo(KeyState.RETIRED);
  }
}
