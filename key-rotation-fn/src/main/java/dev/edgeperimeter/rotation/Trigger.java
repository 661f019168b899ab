package dev.edgeperimeter.rotation;

import java.util.Objects;

/**
 * Who or what asked for a change: the EventBridge schedule (identified by the event id and rule)
 * or an operator invoking the function directly. Every audit line carries it.
 *
 * @param kind {@code schedule} or {@code operator}
 * @param id   the scheduled event's id and rule, or the operator's name (or {@code operator})
 */
public record Trigger(String kind, String id) {
  public static final String SCHEDULE = "schedule";
  public static final String OPERATOR = "operator";

  public Trigger {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(id, "id");
  }

  public static Trigger schedule(String eventId) {
    return new Trigger(SCHEDULE, eventId);
  }

  public static Trigger operator(String who) {
    return new Trigger(OPERATOR, who);
  }

  @Override
  public String toString() {
    return kind + ":" + id;
  }
}
