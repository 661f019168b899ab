package dev.edgeperimeter.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Event parsing: the EventBridge Scheduled Event, the template's constant inputs, operator actions, refusals. */
class CommandParserTest {
  private final CommandParser parser = new CommandParser(Clock.fixed(Instant.parse("2026-11-20T10:00:00Z"), ZoneOffset.UTC));

  private static Map<String, Object> scheduled(String time) {
    Map<String, Object> event = new HashMap<>();
    event.put("version", "0");
    event.put("id", "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa");
    event.put("detail-type", "Scheduled Event");
    event.put("source", "aws.events");
    event.put("account", "123456789012");
    event.put("time", time);
    event.put("region", "us-east-1");
    event.put("resources", List.of("arn:aws:events:us-east-1:123456789012:rule/stack-monthly-key-rotation"));
    event.put("detail", Map.of());
    return event;
  }

  @Test
  @DisplayName("a Scheduled Event rotates the UTC month of its time; redeliveries name the same period")
  void scheduledEvent() {
    RotationCommand command = parser.parse(scheduled("2026-12-01T03:00:00Z"));
    assertThat(command).isEqualTo(new RotationCommand.Rotate(
        Trigger.schedule("53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa@stack-monthly-key-rotation"), YearMonth.of(2026, 12), false));
    assertThat(((RotationCommand.Rotate) parser.parse(scheduled("2026-11-30T23:59:59Z"))).period())
        .isEqualTo(YearMonth.of(2026, 11));
  }

  @Test
  @DisplayName("the template's constant inputs are accepted and recorded as scheduled triggers")
  void templateInputs() {
    assertThat(parser.parse(Map.of("action", "rotate", "trigger", "schedule")))
        .isEqualTo(new RotationCommand.Rotate(Trigger.schedule("schedule"), YearMonth.of(2026, 11), false));
    assertThat(parser.parse(Map.of("action", "status", "trigger", "daily-check")))
        .isEqualTo(new RotationCommand.Status(Trigger.schedule("daily-check")));
  }

  @Test
  @DisplayName("operator actions parse with their fields")
  void operatorActions() {
    assertThat(parser.parse(Map.of("action", "rotate", "force", true, "operator", "alice")))
        .isEqualTo(new RotationCommand.Rotate(Trigger.operator("alice"), YearMonth.of(2026, 11), true));
    assertThat(parser.parse(Map.of("action", "revoke", "kid", "2026-11.abc", "reason", "leak")))
        .isEqualTo(new RotationCommand.Revoke(Trigger.operator("operator"), "2026-11.abc", "leak", YearMonth.of(2026, 11)));
    assertThat(parser.parse(Map.of("action", "bootstrap"))).isInstanceOf(RotationCommand.Bootstrap.class);
    assertThat(parser.parse(Map.of("action", "status"))).isInstanceOf(RotationCommand.Status.class);
  }

  @Test
  @DisplayName("malformed events are refused with a message naming the field")
  void refusals() {
    assertThatThrownBy(() -> parser.parse(Map.of())).hasMessageContaining("empty event");
    assertThatThrownBy(() -> parser.parse(Map.of("foo", "bar"))).hasMessageContaining("field 'action'");
    assertThatThrownBy(() -> parser.parse(Map.of("action", "explode"))).hasMessageContaining("field 'action' must be one of");
    assertThatThrownBy(() -> parser.parse(Map.of("action", 7))).hasMessageContaining("field 'action' must be a string");
    assertThatThrownBy(() -> parser.parse(Map.of("action", "rotate", "force", "yes")))
        .hasMessageContaining("field 'force'");
    assertThatThrownBy(() -> parser.parse(Map.of("action", "rotate", "froce", true)))
        .hasMessageContaining("unknown field(s) [froce]");
    assertThatThrownBy(() -> parser.parse(Map.of("action", "revoke", "reason", "x"))).hasMessageContaining("field 'kid' is required");
    assertThatThrownBy(() -> parser.parse(Map.of("action", "revoke", "kid", "a/b", "reason", "x")))
        .hasMessageContaining("field 'kid' must be");
    assertThatThrownBy(() -> parser.parse(Map.of("action", "revoke", "kid", "a")))
        .hasMessageContaining("field 'reason' is required");
    assertThatThrownBy(() -> parser.parse(Map.of("action", "revoke", "kid", "a", "reason", " ")))
        .hasMessageContaining("field 'reason' must not be blank");
    assertThatThrownBy(() -> parser.parse(Map.of("action", "status", "trigger", "x", "operator", "y")))
        .hasMessageContaining("'trigger' and 'operator'");
    Map<String, Object> badTime = scheduled("yesterday");
    assertThatThrownBy(() -> parser.parse(badTime)).hasMessageContaining("field 'time'");
    Map<String, Object> badType = scheduled("2026-11-01T03:00:00Z");
    badType.put("detail-type", "Object Created");
    assertThatThrownBy(() -> parser.parse(badType)).hasMessageContaining("field 'detail-type'");
  }

  @Property(tries = 300)
  @Label("any event either parses or is refused with IllegalArgumentException, never anything else")
  void arbitraryEvents(@ForAll("events") Map<String, Object> event) {
    try {
      RotationCommand command = parser.parse(event);
      assertThat(command.trigger()).isNotNull();
    } catch (IllegalArgumentException refused) {
      assertThat(refused.getMessage()).isNotBlank();
    }
  }

  @Provide
  Arbitrary<Map<String, Object>> events() {
    Arbitrary<String> keys = Arbitraries.of("action", "force", "kid", "reason", "operator", "trigger", "source",
        "detail-type", "time", "id", "resources", "x");
    Arbitrary<Object> values = Arbitraries.oneOf(
        Arbitraries.of("rotate", "revoke", "status", "bootstrap", "aws.events", "Scheduled Event",
            "2026-11-01T03:00:00Z", "2026-11.abc", "", " ", "\u0000\n").map(v -> (Object) v),
        Arbitraries.strings().ofMaxLength(600).map(v -> (Object) v),
        Arbitraries.integers().map(v -> (Object) v),
        Arbitraries.of(true, false).map(v -> (Object) v),
        Arbitraries.just(List.of("arn:aws:events:x:1:rule/r")).map(v -> (Object) v));
    return Arbitraries.maps(keys, values).ofMaxSize(6);
  }
}
