package dev.edgeperimeter.rotation;

import dev.edgeperimeter.shared.keys.KeyId;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns the raw Lambda event into a {@link RotationCommand}, or refuses it with an
 * {@link IllegalArgumentException} naming the offending field. Parsing has no side effects, so a
 * refused event changes nothing.
 *
 * <p>Two event shapes are accepted:
 * <ul>
 *   <li>the EventBridge "Scheduled Event" ({@code source: aws.events}, {@code detail-type:
 *       Scheduled Event}, {@code id}, {@code time}); the rotation period is the UTC month of
 *       {@code time}, so a redelivered or overlapping event names the same period;</li>
 *   <li>an operator action: {@code {"action":"rotate","force":true}}, {@code {"action":"revoke",
 *       "kid":"...","reason":"..."}}, {@code {"action":"status"}}, {@code {"action":"bootstrap"}},
 *       each optionally with {@code "operator":"<who>"} for the audit trail, or with
 *       {@code "trigger":"<rule>"} when an EventBridge rule sends it as constant input (the
 *       template's monthly {@code rotate} and daily {@code status} runs); the period is then the
 *       UTC month of the invocation. Unknown fields are
 *       refused, so a typo such as {@code "froce"} is an error rather than a silent no-op.</li>
 * </ul>
 */
public final class CommandParser {
  static final int MAX_REASON_LENGTH = 512;
  static final int MAX_OPERATOR_LENGTH = 128;

  static final int MAX_TRIGGER_LENGTH = 64;

  private static final Set<String> ROTATE_FIELDS = Set.of("action", "force", "operator", "trigger");
  private static final Set<String> REVOKE_FIELDS = Set.of("action", "kid", "reason", "operator", "trigger");
  private static final Set<String> PLAIN_FIELDS = Set.of("action", "operator", "trigger");

  private final Clock clock;

  public CommandParser(Clock clock) {
    this.clock = clock;
  }

  public RotationCommand parse(Map<String, Object> event) {
    if (event == null || event.isEmpty()) {
      throw new IllegalArgumentException("empty event: expected an EventBridge Scheduled Event or an operator "
          + "action such as {\"action\":\"status\"}");
    }
    if (event.containsKey("action")) {
      return operatorCommand(event);
    }
    if ("aws.events".equals(event.get("source")) || event.containsKey("detail-type")) {
      return scheduledCommand(event);
    }
    throw new IllegalArgumentException("field 'action' is required (one of rotate, revoke, status, bootstrap) "
        + "unless the event is an EventBridge Scheduled Event");
  }

  private RotationCommand scheduledCommand(Map<String, Object> event) {
    String source = string(event, "source", 64);
    if (!"aws.events".equals(source)) {
      throw new IllegalArgumentException("field 'source' must be 'aws.events' for a scheduled event");
    }
    String detailType = string(event, "detail-type", 64);
    if (!"Scheduled Event".equals(detailType)) {
      throw new IllegalArgumentException("field 'detail-type' must be 'Scheduled Event', got '" + printable(detailType) + "'");
    }
    String id = string(event, "id", 128);
    String time = string(event, "time", 64);
    Instant scheduled;
    try {
      scheduled = Instant.parse(time);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("field 'time' must be an RFC 3339 UTC instant such as 2026-11-01T03:00:00Z");
    }
    String rule = "";
    if (event.get("resources") instanceof java.util.List<?> resources && !resources.isEmpty()
        && resources.get(0) instanceof String arn) {
      int slash = arn.lastIndexOf('/');
      rule = "@" + printable(slash >= 0 ? arn.substring(slash + 1) : arn);
    }
    return new RotationCommand.Rotate(Trigger.schedule(printable(id) + rule),
        YearMonth.from(scheduled.atZone(ZoneOffset.UTC)), false);
  }

  private RotationCommand operatorCommand(Map<String, Object> event) {
    String action = string(event, "action", 32);
    Trigger trigger = trigger(event);
    YearMonth period = YearMonth.now(clock.withZone(ZoneOffset.UTC));
    return switch (action) {
      case "rotate" -> {
        onlyFields(event, ROTATE_FIELDS, action);
        Object force = event.get("force");
        if (force != null && !(force instanceof Boolean)) {
          throw new IllegalArgumentException("field 'force' must be true or false");
        }
        yield new RotationCommand.Rotate(trigger, period, Boolean.TRUE.equals(force));
      }
      case "revoke" -> {
        onlyFields(event, REVOKE_FIELDS, action);
        String kid = string(event, "kid", KeyId.MAX_LENGTH + 1);
        if (!KeyId.isValid(kid)) {
          throw new IllegalArgumentException("field 'kid' must be 1-64 characters of [A-Za-z0-9._-]");
        }
        String reason = string(event, "reason", MAX_REASON_LENGTH);
        if (reason.isBlank()) {
          throw new IllegalArgumentException("field 'reason' must not be blank (it goes into the audit trail)");
        }
        yield new RotationCommand.Revoke(trigger, kid, printable(reason, MAX_REASON_LENGTH), period);
      }
      case "status" -> {
        onlyFields(event, PLAIN_FIELDS, action);
        yield new RotationCommand.Status(trigger);
      }
      case "bootstrap" -> {
        onlyFields(event, PLAIN_FIELDS, action);
        yield new RotationCommand.Bootstrap(trigger, period);
      }
      default -> throw new IllegalArgumentException(
          "field 'action' must be one of rotate, revoke, status, bootstrap; got '" + printable(action) + "'");
    };
  }

  /**
   * An EventBridge rule with a constant input names itself with {@code "trigger"} (e.g.
   * {@code "schedule"}, {@code "daily-check"}); a person may name themselves with {@code "operator"}.
   */
  private static Trigger trigger(Map<String, Object> event) {
    if (event.containsKey("trigger")) {
      if (event.containsKey("operator")) {
        throw new IllegalArgumentException("fields 'trigger' and 'operator' exclude each other");
      }
      String name = string(event, "trigger", MAX_TRIGGER_LENGTH);
      if (!name.matches("[A-Za-z0-9._:-]+")) {
        throw new IllegalArgumentException("field 'trigger' must be 1-64 characters of [A-Za-z0-9._:-]");
      }
      return Trigger.schedule(name);
    }
    return Trigger.operator(operatorName(event));
  }

  private static String operatorName(Map<String, Object> event) {
    if (!event.containsKey("operator")) {
      return "operator";
    }
    String who = string(event, "operator", MAX_OPERATOR_LENGTH);
    if (who.isBlank()) {
      throw new IllegalArgumentException("field 'operator' must not be blank");
    }
    return printable(who, MAX_OPERATOR_LENGTH);
  }

  private static void onlyFields(Map<String, Object> event, Set<String> allowed, String action) {
    Set<String> unknown = new TreeSet<>();
    for (Object key : event.keySet()) {
      if (!allowed.contains(String.valueOf(key))) {
        unknown.add(printable(String.valueOf(key)));
      }
    }
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("unknown field(s) " + unknown + " for action '" + action
          + "'; allowed: " + new TreeSet<>(allowed));
    }
  }

  private static String string(Map<String, Object> event, String field, int maxLength) {
    Object value = event.get(field);
    if (value == null) {
      throw new IllegalArgumentException("field '" + field + "' is required");
    }
    if (!(value instanceof String s)) {
      throw new IllegalArgumentException("field '" + field + "' must be a string");
    }
    if (s.length() > maxLength) {
      throw new IllegalArgumentException("field '" + field + "' is longer than " + maxLength + " characters");
    }
    return s;
  }

  /** Keeps client text safe to echo in an error or a log line: control characters become '?' and it is capped. */
  static String printable(String s) {
    return printable(s, 80);
  }

  static String printable(String s, int max) {
    StringBuilder out = new StringBuilder(Math.min(s.length(), max));
    for (int i = 0; i < s.length() && out.length() < max; i++) {
      char c = s.charAt(i);
      out.append(Character.isISOControl(c) ? '?' : c);
    }
    return s.length() > max ? out + "..." : out.toString();
  }
}
