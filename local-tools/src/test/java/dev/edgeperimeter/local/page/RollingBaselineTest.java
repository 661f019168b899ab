package dev.edgeperimeter.local.page;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The local anomaly flag: the latest window against the rolling baseline of the windows before it. */
class RollingBaselineTest {
  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

  private static RollingBaseline baseline() {
    return new RollingBaseline(Duration.ofMinutes(1), 10, 8);
  }

  @Test
  @DisplayName("on a quiet stack a burst of the minimum count in one window is flagged, one less is not")
  void quietStackFlagsABurst() {
    RollingBaseline b = baseline();
    for (int i = 0; i < 7; i++) {
      b.add(T0.plusSeconds(i), "origin bad_signature");
    }
    assertThat(b.verdicts(T0.plusSeconds(10))).singleElement()
        .satisfies(v -> assertThat(v.flagged()).isFalse()).satisfies(v -> assertThat(v.latest()).isEqualTo(7));
    b.add(T0.plusSeconds(8), "origin bad_signature");
    assertThat(b.verdicts(T0.plusSeconds(10))).singleElement().satisfies(v -> {
      assertThat(v.flagged()).isTrue();
      assertThat(v.baselineMean()).isZero();
      assertThat(v.threshold()).isEqualTo(8.0);
    });
  }

  @Test
  @DisplayName("steady noise raises the bar: the same burst above a noisy baseline is not unusual")
  void noisyBaselineRaisesTheThreshold() {
    RollingBaseline b = baseline();
    for (int w = 1; w <= 10; w++) {
      for (int i = 0; i < (w % 2 == 0 ? 4 : 12); i++) {
        b.add(T0.minus(Duration.ofMinutes(w)).plusSeconds(1 + i), "origin expired");
      }
    }
    for (int i = 0; i < 12; i++) {
      b.add(T0.plusSeconds(1 + i), "origin expired");
    }
    RollingBaseline.Verdict v = b.verdicts(T0.plusSeconds(30)).get(0);
    assertThat(v.baselineMean()).isEqualTo(8.0);
    assertThat(v.threshold()).isEqualTo(20.0);
    assertThat(v.flagged()).isFalse();
  }

  @Test
  @DisplayName("a burst leaves the latest window after one window length, and the baseline after the span")
  void burstsAge() {
    RollingBaseline b = baseline();
    for (int i = 0; i < 10; i++) {
      b.add(T0, "edge missing_token");
    }
    assertThat(b.verdicts(T0.plusSeconds(59)).get(0).flagged()).isTrue();
    assertThat(b.verdicts(T0.plusSeconds(61)).get(0).flagged()).isFalse();
    assertThat(b.verdicts(T0.plus(Duration.ofMinutes(12)))).isEmpty();
  }

  @Test
  @DisplayName("reasons are judged apart")
  void reasonsApart() {
    RollingBaseline b = baseline();
    for (int i = 0; i < 9; i++) {
      b.add(T0, "origin bad_signature");
      b.add(T0.minus(Duration.ofMinutes(3)), "origin unknown_kid");
    }
    assertThat(b.verdicts(T0.plusSeconds(1))).extracting(RollingBaseline.Verdict::reason, RollingBaseline.Verdict::flagged)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("origin bad_signature", true),
            org.assertj.core.groups.Tuple.tuple("origin unknown_kid", false));
  }

  @Test
  @DisplayName("nonsense settings are refused at construction")
  void settingsChecked() {
    assertThatThrownBy(() -> new RollingBaseline(Duration.ZERO, 10, 8)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RollingBaseline(Duration.ofMinutes(1), 0, 8)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RollingBaseline(Duration.ofMinutes(1), 10, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Property(tries = 200)
  @Label("a latest count at or above mean + 3 sd of a constant baseline and the minimum is flagged; below it is not")
  void constantBaseline(@ForAll @IntRange(min = 0, max = 30) int perWindow, @ForAll @IntRange(min = 0, max = 60) int latest) {
    RollingBaseline b = baseline();
    for (int w = 1; w <= 10; w++) {
      for (int i = 0; i < perWindow; i++) {
        b.add(T0.minus(Duration.ofMinutes(w)).plusSeconds(1), "r");
      }
    }
    for (int i = 0; i < latest; i++) {
      b.add(T0.plusSeconds(1), "r");
    }
    var verdicts = b.verdicts(T0.plusSeconds(2));
    boolean expected = latest >= Math.max(8, perWindow);
    assertThat(verdicts.isEmpty() ? false : verdicts.get(0).flagged()).isEqualTo(expected);
  }
}
