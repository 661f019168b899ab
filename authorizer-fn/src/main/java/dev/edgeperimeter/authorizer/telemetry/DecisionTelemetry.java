package dev.edgeperimeter.authorizer.telemetry;

import static software.amazon.lambda.powertools.logging.argument.StructuredArguments.entries;

import dev.edgeperimeter.authorizer.core.Decision;
import dev.edgeperimeter.authorizer.core.Reason;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.helpers.NOPLogger;
import software.amazon.cloudwatchlogs.emf.environment.EnvironmentProvider;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.model.DimensionSet;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;
import software.amazon.lambda.powertools.metrics.provider.EmfMetricsProvider;

/**
 * The authorizer's logs and metrics, through Powertools as in the other two functions.
 *
 * <ul>
 *   <li>One JSON log line per decision (SLF4J, Powertools' log4j layout: {@code timestamp},
 *       {@code level}, {@code message}, {@code service}, the Lambda context keys and
 *       {@code correlation_id}), with {@code eventType}, {@code decision}, {@code reason},
 *       {@code principalId}, {@code kid}, {@code jti}, {@code degraded}, {@code latencyMicros}.
 *       Tokens, assertions and key material are never written.</li>
 *   <li>One EMF document per decision (Powertools Metrics), namespace {@code POWERTOOLS_METRICS_NAMESPACE},
 *       dimensions {@code service} and {@code Reason} (spelled as in log-ingest and key-rotation):
 *       {@code Allow}, {@code Deny} or {@code Unauthorized} (Count), {@code DecisionLatency}
 *       (Microseconds), and {@code DegradedDecision} when it was taken on a key set or JWKS served
 *       past its time to live.</li>
 * </ul>
 */
public final class DecisionTelemetry {
  /** The dimension naming the service, as every function of the project spells it. */
  public static final String SERVICE_DIMENSION = "service";
  /** The dimension naming the reason of a decision, as log-ingest spells its own. */
  public static final String REASON_DIMENSION = "Reason";

  private static final Logger DECISIONS = LoggerFactory.getLogger("dev.edgeperimeter.authorizer.decision");
  private static final Logger OPERATIONS = LoggerFactory.getLogger("dev.edgeperimeter.authorizer");

  private final Logger decisions;
  private final Metrics metrics;
  private final String service;
  private final String namespace;

  /**
   * The function's decision telemetry: Powertools Metrics from its EMF provider, not the shared
   * {@code MetricsFactory.getMetricsInstance()}. That instance is scoped per request: it keeps one
   * metrics object per X-Ray trace id until {@code flush()} is called on it, which
   * {@code flushMetrics} (one self-contained document per decision) never does, so a warm container
   * would hold one object per invocation it ever answered. The provider's instance keeps nothing
   * between decisions.
   */
  public static DecisionTelemetry of(String namespace, String service) {
    return new DecisionTelemetry(new EmfMetricsProvider().getMetricsInstance(), namespace, service);
  }

  /**
   * @param metrics   a Powertools metrics instance (see {@link #of} for the function's)
   * @param namespace {@code POWERTOOLS_METRICS_NAMESPACE}
   * @param service   {@code POWERTOOLS_SERVICE_NAME}
   */
  public DecisionTelemetry(Metrics metrics, String namespace, String service) {
    this(DECISIONS, metrics, namespace, service);
  }

  private DecisionTelemetry(Logger decisions, Metrics metrics, String namespace, String service) {
    this.decisions = decisions;
    this.metrics = metrics;
    this.service = service;
    this.namespace = namespace;
  }

  /** The log line and EMF document of one decision. */
  public void decision(String eventType, Decision d, long latencyMicros) {
    Map<String, Object> fields = new LinkedHashMap<>(12);
    fields.put("eventType", eventType);
    fields.put("decision", d.outcome().metricName());
    fields.put("reason", d.reason().code());
    if (d.principalId() != null) {
      fields.put("principalId", d.principalId());
    }
    if (d.kid() != null) {
      fields.put("kid", d.kid());
    }
    if (d.jti() != null) {
      fields.put("jti", d.jti());
    }
    fields.put("degraded", d.degraded());
    fields.put("latencyMicros", latencyMicros);
    if (d.reason() == Reason.INTERNAL_ERROR) {
      decisions.error("authorizer decision", entries(fields));
    } else if (d.degraded()) {
      decisions.warn("authorizer decision", entries(fields));
    } else {
      decisions.info("authorizer decision", entries(fields));
    }

    // one document, one dimension set: service and Reason together (Powertools would add its own
    // "Service" set to the shared instance's documents)
    metrics.flushMetrics(m -> {
      m.setNamespace(namespace);
      m.setDefaultDimensions(DimensionSet.of(SERVICE_DIMENSION, service, REASON_DIMENSION, d.reason().code()));
      m.addMetric(d.outcome().metricName(), 1, MetricUnit.COUNT);
      if (d.degraded()) {
        m.addMetric("DegradedDecision", 1, MetricUnit.COUNT);
      }
      m.addMetric("DecisionLatency", latencyMicros, MetricUnit.MICROSECONDS);
    });
  }

  /**
   * A telemetry for SnapStart priming: decisions run the same code as the real one, but log lines
   * go nowhere and EMF documents are formatted by Powertools and dropped ({@link PrimingEmf}), so
   * priming links and warms the decision path without logging or counting anything.
   */
  public static DecisionTelemetry forPriming(String namespace, String service) {
    return new DecisionTelemetry(NOPLogger.NOP_LOGGER, PrimingEmf.discardingMetrics(), namespace, service);
  }

  /**
   * Loads what a restored instance's first decision needs beyond the decision path itself:
   * Powertools' logging manager, and Lambda's EMF environment resolved (and cached) as Powertools'
   * flush resolves it, with its console sink created (the sink and its logger are made on first
   * use; nothing is printed here).
   */
  public static boolean primeLibraries() throws Exception {
    PowertoolsLogging.clearBuffer(); // loads the logging manager; no log buffer is configured
    new EnvironmentProvider().resolveEnvironment().get(1, TimeUnit.SECONDS).getSink();
    return true;
  }

  /**
   * The SnapStart priming report: one operational line naming the steps that completed, written
   * through the same structured-argument layout as a decision line.
   */
  public static void primed(List<String> steps) {
    OPERATIONS.info("SnapStart priming completed", entries(Map.of("primingSteps", steps)));
  }

  /** A defect while handling an event (answered Unauthorized, {@code internal_error}). */
  public void failure(String what, Throwable e) {
    OPERATIONS.error("{}: {}", what, e.getClass().getName());
  }

  /** An operational note (which signature provider verifies; priming). */
  public static void info(String message) {
    OPERATIONS.info(message);
  }

  /** An operational warning (a failed key-set or JWKS refresh). */
  public static void warn(String message) {
    OPERATIONS.warn(message);
  }
}
