package dev.edgeperimeter.authorizer.telemetry;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.edgeperimeter.authorizer.core.Decision;
import dev.edgeperimeter.shared.json.JsonLimits;
import dev.edgeperimeter.shared.time.UtcText;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Lean structured logging and metrics for the authorizer (Powertools and log4j do not fit its
 * 10 MB package budget).
 *
 * <ul>
 *   <li>Log lines are JSON shaped like Powertools Logging output: {@code timestamp}, {@code level},
 *       {@code message}, {@code service}, {@code cold_start}, {@code function_name},
 *       {@code function_request_id}, ... followed by the event's own fields.</li>
 *   <li>Metrics are CloudWatch Embedded Metric Format documents: {@code _aws.Timestamp} (epoch ms)
 *       and {@code _aws.CloudWatchMetrics[{Namespace, Dimensions, Metrics}]}, with the dimension and
 *       metric values as top-level members. Each decision emits one: metric {@code Allow},
 *       {@code Deny} or {@code Unauthorized} (Count) with dimensions {@code service} and
 *       {@code reason}, plus {@code DegradedDecision} when it was taken on stale keys or JWKS.</li>
 * </ul>
 *
 * Lines go to an injectable sink (stdout in Lambda, where each line becomes a CloudWatch Logs
 * event). Tokens, assertions and key material are never written.
 */
public final class Telemetry {
  /** Log levels, in increasing severity. */
  public enum Level { DEBUG, INFO, WARN, ERROR }

  /** Per-invocation facts for the Powertools-style keys (all optional). */
  public record Invocation(String requestId, boolean coldStart, String functionName, String functionVersion,
      String functionArn, int memoryMb) {
    public static final Invocation NONE = new Invocation(null, false, null, null, null, 0);
  }


  private final String service;
  private final String namespace;
  private final Level minLevel;
  private final Consumer<String> sink;
  private final Clock clock;

  public Telemetry(String service, String namespace, Level minLevel, Consumer<String> sink, Clock clock) {
    this.service = service;
    this.namespace = namespace;
    this.minLevel = minLevel;
    this.sink = sink;
    this.clock = clock;
  }

  /** Writes to stdout (one line per record; Lambda ships each to CloudWatch Logs). */
  public static Consumer<String> stdout() {
    return line -> {
      synchronized (System.out) {
        System.out.println(line);
      }
    };
  }

  public static Level level(String name) {
    try {
      return Level.valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return Level.INFO;
    }
  }

  /** One log line and one EMF document for a decision. */
  public void decision(Invocation invocation, String eventType, Decision d, long latencyMicros) {
    Level level = d.reason() == dev.edgeperimeter.authorizer.core.Reason.INTERNAL_ERROR ? Level.ERROR
        : d.degraded() ? Level.WARN : Level.INFO;
    long now = clock.millis();
    if (enabled(level)) {
      sink.accept(line(g -> {
        header(g, now, level, "authorizer decision", invocation);
        g.writeStringField("eventType", eventType);
        g.writeStringField("decision", d.outcome().metricName());
        g.writeStringField("reason", d.reason().code());
        if (d.principalId() != null) {
          g.writeStringField("principalId", d.principalId());
        }
        if (d.kid() != null) {
          g.writeStringField("kid", d.kid());
        }
        if (d.jti() != null) {
          g.writeStringField("jti", d.jti());
        }
        g.writeBooleanField("degraded", d.degraded());
        g.writeNumberField("latencyMicros", latencyMicros);
      }));
    }
    sink.accept(line(g -> {
      g.writeObjectFieldStart("_aws");
      g.writeNumberField("Timestamp", now);
      g.writeArrayFieldStart("CloudWatchMetrics");
      g.writeStartObject();
      g.writeStringField("Namespace", namespace);
      g.writeArrayFieldStart("Dimensions");
      g.writeStartArray();
      g.writeString("service");
      g.writeString("reason");
      g.writeEndArray();
      g.writeEndArray();
      g.writeArrayFieldStart("Metrics");
      metric(g, d.outcome().metricName(), "Count");
      if (d.degraded()) {
        metric(g, "DegradedDecision", "Count");
      }
      metric(g, "DecisionLatency", "Microseconds");
      g.writeEndArray();
      g.writeEndObject();
      g.writeEndArray();
      g.writeEndObject();
      g.writeStringField("service", service);
      g.writeStringField("reason", d.reason().code());
      g.writeNumberField(d.outcome().metricName(), 1);
      if (d.degraded()) {
        g.writeNumberField("DegradedDecision", 1);
      }
      g.writeNumberField("DecisionLatency", latencyMicros);
      if (invocation.requestId() != null) {
        g.writeStringField("function_request_id", invocation.requestId());
      }
    }));
  }

  /** A free-form log line with extra string fields. */
  public void log(Level level, String message, Invocation invocation, Map<String, String> fields) {
    if (!enabled(level)) {
      return;
    }
    long now = clock.millis();
    sink.accept(line(g -> {
      header(g, now, level, message, invocation);
      for (Map.Entry<String, String> e : fields.entrySet()) {
        g.writeStringField(e.getKey(), e.getValue());
      }
    }));
  }

  /** A note outside any invocation (which signature provider verifies). */
  public void info(String message) {
    log(Level.INFO, message, Invocation.NONE, Map.of());
  }

  /** A warning outside any invocation (cache refresh failures, priming). */
  public void warn(String message) {
    log(Level.WARN, message, Invocation.NONE, Map.of());
  }

  /**
   * {@code yyyy-MM-ddTHH:mm:ss.SSSZ} in UTC, as Powertools writes it (without a
   * {@code DateTimeFormatter}, whose pattern machinery a cold start would otherwise load).
   */
  static String timestamp(long epochMillis) {
    return UtcText.isoMillis(epochMillis);
  }

  public boolean enabled(Level level) {
    return level.ordinal() >= minLevel.ordinal();
  }

  private void header(JsonGenerator g, long now, Level level, String message, Invocation inv) throws IOException {
    g.writeStringField("timestamp", timestamp(now));
    g.writeStringField("level", level.name());
    g.writeStringField("message", message);
    g.writeStringField("service", service);
    g.writeBooleanField("cold_start", inv.coldStart());
    if (inv.functionName() != null) {
      g.writeStringField("function_name", inv.functionName());
    }
    if (inv.functionVersion() != null) {
      g.writeStringField("function_version", inv.functionVersion());
    }
    if (inv.functionArn() != null) {
      g.writeStringField("function_arn", inv.functionArn());
    }
    if (inv.memoryMb() > 0) {
      g.writeNumberField("function_memory_size", inv.memoryMb());
    }
    if (inv.requestId() != null) {
      g.writeStringField("function_request_id", inv.requestId());
    }
  }

  private static void metric(JsonGenerator g, String name, String unit) throws IOException {
    g.writeStartObject();
    g.writeStringField("Name", name);
    g.writeStringField("Unit", unit);
    g.writeEndObject();
  }

  @FunctionalInterface
  private interface Body {
    void write(JsonGenerator g) throws IOException;
  }

  private static String line(Body body) {
    StringWriter out = new StringWriter(256);
    try (JsonGenerator g = JsonLimits.FACTORY.createGenerator(out)) {
      g.writeStartObject();
      body.write(g);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }
}
