package dev.edgeperimeter.shared.snapstart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PrimingStepsTest {

  /** Priming whose steps a test adds. */
  private static final class TestPriming extends PrimingSteps {
    TestPriming add(String name, Step step) {
      step(name, step);
      return this;
    }
  }

  @Test
  @DisplayName("steps run in the order added; only those that return true count as completed")
  void runsInOrder() {
    List<String> ran = new ArrayList<>();
    TestPriming priming = new TestPriming()
        .add("a", () -> ran.add("a"))
        .add("b", () -> {
          ran.add("b");
          return false;
        })
        .add("c", () -> ran.add("c"));

    assertThat(priming.prime()).containsExactly("a", "c");
    assertThat(ran).containsExactly("a", "b", "c");
    assertThat(priming.lastRun()).containsExactly("a", "c");
  }

  @Test
  @DisplayName("a failing step is swallowed and the later steps still run")
  void failuresAreSwallowed() {
    TestPriming priming = new TestPriming()
        .add("checked", () -> {
          throw new java.io.IOException("unreachable");
        })
        .add("runtime", () -> {
          throw new IllegalStateException("broken");
        })
        .add("linkage", () -> {
          throw new NoClassDefFoundError("missing");
        })
        .add("ok", () -> true);

    assertThat(priming.prime()).containsExactly("ok");
  }

  @Test
  @DisplayName("before a checkpoint the steps run; nothing has completed before that")
  void beforeCheckpointPrimes() {
    TestPriming priming = new TestPriming().add("a", () -> true);
    assertThat(priming.lastRun()).isEmpty();

    priming.beforeCheckpoint(null);

    assertThat(priming.lastRun()).containsExactly("a");
  }

  @Test
  @DisplayName("a step name can be added only once")
  void uniqueNames() {
    TestPriming priming = new TestPriming().add("a", () -> true);
    assertThatThrownBy(() -> priming.add("a", () -> true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'a'");
  }
}
