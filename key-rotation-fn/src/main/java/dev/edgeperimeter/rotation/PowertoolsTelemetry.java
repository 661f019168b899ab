package dev.edgeperimeter.rotation;

import static software.amazon.lambda.powertools.logging.argument.StructuredArguments.entry;

import dev.edgeperimeter.shared.keys.KeyState;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

/**
 * Audit log lines (JSON, through SLF4J and Powertools' log4j layout, under the logger
 * {@code dev.edgeperimeter.rotation.audit}) and CloudWatch EMF metrics through Powertools.
 * Metric names: {@code KeyCreated}, {@code KeyActivated}, {@code KeySuperseded}, {@code KeyRetired},
 * {@code KeyRevoked}, {@code KeyPublished}, {@code RotationSucceeded}, {@code RotationFailed},
 * {@code CurrentKeyAgeDays} (the template's stale-rotation alarm), {@code CommandRejected}. The handler flushes the metrics once per invocation.
 */
public final class PowertoolsTelemetry implements RotationTelemetry {
  private static final Logger AUDIT = LoggerFactory.getLogger("dev.edgeperimeter.rotation.audit");

  private final Metrics metrics;
  private final String keySet;

  public PowertoolsTelemetry(Metrics metrics, String keySet) {
    this.metrics = metrics;
    this.keySet = keySet;
  }

  @Override
  public void stateChanged(Trigger trigger, String kid, KeyState from, KeyState to, Instant at, String note) {
    Map<String, Object> audit = base(trigger, kid, at);
    audit.put("from", from == null ? "NONE" : from.name());
    audit.put("to", to.name());
    audit.put("note", note);
    AUDIT.info("key {} {} -> {} ({}) by {}", kid, from == null ? "NONE" : from, to, note, trigger,
        entry("audit", audit));
    metrics.addMetric(metricFor(to), 1, MetricUnit.COUNT);
  }

  static String metricFor(KeyState to) {
    return switch (to) {
      case NEXT -> "KeyCreated";
      case CURRENT -> "KeyActivated";
      case PREVIOUS -> "KeySuperseded";
      case RETIRED -> "KeyRetired";
      case REVOKED -> "KeyRevoked";
    };
  }

  @Override
  public void published(Trigger trigger, String kid, String destination, Instant at) {
    Map<String, Object> audit = base(trigger, kid, at);
    audit.put("published", destination);
    AUDIT.info("key {} published to {} by {}", kid, destination, trigger, entry("audit", audit));
    metrics.addMetric("KeyPublished", 1, MetricUnit.COUNT);
  }

  @Override
  public void rotationSucceeded(Trigger trigger, String kid, String period) {
    AUDIT.info("rotation of {} for period {} completed by {}: CURRENT is {}", keySet, period, trigger, kid);
    metrics.addMetric("RotationSucceeded", 1, MetricUnit.COUNT);
  }

  @Override
  public void rotationFailed(Trigger trigger, String step, String problem) {
    AUDIT.error("rotation of {} failed at step {} ({}): {}", keySet, step, trigger, problem);
    metrics.addMetric("RotationFailed", 1, MetricUnit.COUNT);
  }

  @Override
  public void currentKeyAge(java.time.Duration age) {
    metrics.addMetric("CurrentKeyAgeDays", age.toSeconds() / 86_400.0, MetricUnit.NONE);
  }

  @Override
  public void commandRejected(String problem) {
    AUDIT.warn("command refused, nothing changed: {}", problem);
    metrics.addMetric("CommandRejected", 1, MetricUnit.COUNT);
  }

  private Map<String, Object> base(Trigger trigger, String kid, Instant at) {
    Map<String, Object> audit = new LinkedHashMap<>();
    audit.put("keySet", keySet);
    audit.put("kid", kid);
    audit.put("trigger", trigger.kind());
    audit.put("triggerId", trigger.id());
    audit.put("at", at.toString());
    return audit;
  }
}
