package dev.edgeperimeter.shared.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class EnvTest {
  @Test
  @DisplayName("a missing required variable fails with its name in the message")
  void requiredNamesTheVariable() {
    assertThatThrownBy(() -> Env.of(Map.of()).required("KEY_TABLE_NAME"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("KEY_TABLE_NAME is required but not set")
        .extracting(e -> ((ConfigException) e).variable()).isEqualTo("KEY_TABLE_NAME");
  }

  @Test
  @DisplayName("numbers are range-checked and non-numbers are refused, naming the variable")
  void integers() {
    Env env = Env.of(Map.of("A", "61", "B", "abc", "C", " 42 "));
    assertThatThrownBy(() -> env.integer("A", 1, 1, 60)).hasMessage("A must be between 1 and 60, got 61");
    assertThatThrownBy(() -> env.integer("B", 1, 1, 60)).hasMessage("B must be a whole number, got 'abc'");
    assertThat(env.integer("C", 1, 1, 60)).isEqualTo(42);
    assertThat(env.integer("MISSING", 7, 1, 60)).isEqualTo(7);
    assertThat(env.seconds("C", Duration.ofSeconds(1), 1, 60)).isEqualTo(Duration.ofSeconds(42));
  }

  @Test
  @DisplayName("blank values count as unset; lists drop blanks; enumerations list what is allowed")
  void listsAndChoices() {
    Env env = Env.of(Map.of("BLANK", "  ", "L", "a, ,b,", "MODE", "edge"));
    assertThat(env.optional("BLANK")).isEmpty();
    assertThat(env.list("L", List.of())).containsExactly("a", "b");
    assertThat(env.oneOf("MODE", "edge+jwt", Set.of("edge", "edge+jwt"))).isEqualTo("edge");
    assertThatThrownBy(() -> Env.of(Map.of("MODE", "jwt")).oneOf("MODE", "edge", Set.of("edge", "edge+jwt")))
        .hasMessage("MODE must be one of [edge, edge+jwt], got 'jwt'");
    assertThatThrownBy(() -> Env.of(Map.of("F", "maybe")).bool("F", false)).hasMessage("F must be true or false, got 'maybe'");
  }

  @Test
  @DisplayName("URLs must be absolute")
  void urls() {
    Env env = Env.of(Map.of("U", "/relative"));
    assertThatThrownBy(() -> env.optionalUri("U")).hasMessage("U must be an absolute URL, got '/relative'");
    assertThat(Env.of(Map.of("U", "http://127.0.0.1:5000")).optionalUri("U")).isPresent();
  }
}
