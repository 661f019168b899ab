package dev.edgeperimeter.rotation.support;

import dev.edgeperimeter.rotation.RotationTelemetry;
import dev.edgeperimeter.rotation.Trigger;
import dev.edgeperimeter.shared.keys.KeyState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Records audit events and metric names for assertions; thread-safe. */
public final class RecordingTelemetry implements RotationTelemetry {
  /** One state change as audited. */
  public record Change(String trigger, String kid, KeyState from, KeyState to, Instant at) {
  }

  private final List<Change> changes = new ArrayList<>();
  private final List<String> metrics = new ArrayList<>();
  private final List<String> failures = new ArrayList<>();

  @Override
  public synchronized void stateChanged(Trigger trigger, String kid, KeyState from, KeyState to, Instant at,
                                        String note) {
    changes.add(new Change(trigger.toString(), kid, from, to, at));
    metrics.add("KeyState." + to);
  }

  @Override
  public synchronized void published(Trigger trigger, String kid, String destination, Instant at) {
    metrics.add("KeyPublished");
  }

  @Override
  public synchronized void rotationSucceeded(Trigger trigger, String kid, String period) {
    metrics.add("RotationSucceeded");
  }

  @Override
  public synchronized void rotationFailed(Trigger trigger, String step, String problem) {
    metrics.add("RotationFailed");
    failures.add(step + ": " + problem);
  }

  @Override
  public synchronized void currentKeyAge(Duration age) {
    metrics.add("CurrentKeyAgeDays");
  }

  @Override
  public synchronized void commandRejected(String problem) {
    metrics.add("CommandRejected");
  }

  public synchronized List<Change> changes() {
    return List.copyOf(changes);
  }

  public synchronized long count(String metric) {
    return metrics.stream().filter(metric::equals).count();
  }

  public synchronized List<String> failures() {
    return List.copyOf(failures);
  }

  public synchronized void clear() {
    changes.clear();
    metrics.clear();
    failures.clear();
  }
}
