package dev.edgeperimeter.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.edgeperimeter.rotation.support.RotationFixture;
import dev.edgeperimeter.rotation.support.StdoutCapture;
import dev.edgeperimeter.shared.config.Env;
import dev.edgeperimeter.shared.crypto.Base64Url;
import dev.edgeperimeter.shared.keys.KeyRecord;
import dev.edgeperimeter.shared.keys.KeyState;
import dev.edgeperimeter.testsupport.MotoExtension;
import dev.edgeperimeter.testsupport.MotoServer;
import dev.edgeperimeter.testsupport.SamTemplate;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The telemetry as the function emits it on stdout (log4j JSON audit lines and Powertools EMF
 * blobs), read back over a whole key lifecycle through the handler: what the template's alarms and
 * an auditor rely on.
 */
@ExtendWith(MotoExtension.class)
class TelemetryOutputTest {
  private static final String NAMESPACE = "EdgePerimeterTelemetryTest";
  private RotationFixture world;
  private StdoutCapture stdout;
  private final List<JsonNode> emitted = new ArrayList<>();

  @BeforeEach
  void setUp(MotoServer moto) {
    RotationFixture.useMotoCredentials();
    world = new RotationFixture(moto, Instant.parse("2026-10-20T10:00:00Z"));
    stdout = new StdoutCapture();
  }

  @AfterEach
  void tearDown() {
    stdout.close();
    world.close();
  }

  private KeyRotationHandler handler(Instant now) {
    Map<String, String> env = new HashMap<>(world.handlerEnvironment());
    env.put("POWERTOOLS_METRICS_NAMESPACE", NAMESPACE);
    return new KeyRotationHandler(Env.of(env), Clock.fixed(now, ZoneOffset.UTC));
  }

  /** One invocation: its result and the lines it wrote. */
  private record Run(Map<String, Object> result, List<JsonNode> lines) {
    /** The structured audit records (the {@code audit} field of the JSON log line). */
    List<JsonNode> stateChanges() {
      return lines.stream().filter(l -> l.path("audit").has("to")).toList();
    }

    /** The EMF blob of the invocation (the handler flushes once; none when nothing was counted). */
    Optional<JsonNode> blob() {
      List<JsonNode> blobs = lines.stream().filter(l -> l.has("_aws")).toList();
      assertThat(blobs).as("at most one EMF blob per invocation").hasSizeLessThanOrEqualTo(1);
      return blobs.stream().findFirst();
    }

    JsonNode emf() {
      return blob().orElseThrow(() -> new AssertionError("the invocation emitted no EMF blob"));
    }

    /** How many values the blob holds for {@code metric} (0 when absent). */
    int count(String metric) {
      JsonNode value = blob().map(b -> b.get(metric)).orElse(null);
      return value == null ? 0 : value.isArray() ? value.size() : 1;
    }
  }

  private Run invoke(Instant now, Map<String, Object> event) {
    Map<String, Object> result = handler(now).handleRequest(event, null);
    List<JsonNode> lines = stdout.drain();
    emitted.addAll(lines);
    return new Run(result, lines);
  }

  private Run invokeFailing(Instant now, Map<String, Object> event) {
    KeyRotationHandler handler = handler(now);
    assertThatThrownBy(() -> handler.handleRequest(event, null)).isInstanceOf(RotationException.class);
    List<JsonNode> lines = stdout.drain();
    emitted.addAll(lines);
    return new Run(Map.of(), lines);
  }

  private static Map<String, Object> event(String name) {
    try {
      return KeyRotationHandlerTest.event(name);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * Every change the invocation reports has exactly one audit line with trigger, kid, from, to and
   * time, and one value of its metric in the invocation's EMF blob.
   */
  private static void assertAuditedAndCounted(Run run, String triggerKind) {
    @SuppressWarnings("unchecked")
    List<String> changes = (List<String>) run.result().get("changes");
    assertThat(changes).isNotEmpty();
    assertThat(run.stateChanges()).hasSameSizeAs(changes);
    Map<String, Integer> expectedMetrics = new HashMap<>();
    for (String change : changes) {
      String kid = change.substring(0, change.indexOf(':'));
      String from = change.substring(change.indexOf(':') + 2, change.indexOf(" -> "));
      String to = change.substring(change.indexOf(" -> ") + 4);
      assertThat(run.stateChanges()).as("audit line of %s", change)
          .filteredOn(l -> kid.equals(l.get("audit").path("kid").asText())
              && to.equals(l.get("audit").path("to").asText()))
          .singleElement().satisfies(line -> {
            JsonNode audit = line.get("audit");
            assertThat(audit.path("from").asText()).isEqualTo("(new)".equals(from) ? "NONE" : from);
            assertThat(audit.path("trigger").asText()).isEqualTo(triggerKind);
            assertThat(audit.path("triggerId").asText()).isNotBlank();
            assertThat(Instant.parse(audit.path("at").asText())).isNotNull();
            assertThat(audit.path("keySet").asText()).isEqualTo(RotationFixture.KEY_SET);
          });
      expectedMetrics.merge(PowertoolsTelemetry.metricFor(KeyState.valueOf(to)), 1, Integer::sum);
    }
    expectedMetrics.forEach((metric, n) -> assertThat(run.count(metric)).as(metric).isEqualTo(n));
  }

  /** The metric is declared in the blob's CloudWatchMetrics directive with dimension service=key-rotation. */
  private static void assertAlarmable(Run run, String metric) {
    JsonNode emf = run.emf();
    assertThat(emf.path("service").asText()).isEqualTo("key-rotation");
    JsonNode directive = emf.path("_aws").path("CloudWatchMetrics").get(0);
    assertThat(directive.path("Namespace").asText()).isEqualTo(NAMESPACE);
    assertThat(directive.path("Dimensions").toString()).isEqualTo("[[\"service\"]]");
    assertThat(directive.path("Metrics").findValuesAsText("Name")).contains(metric);
    assertThat(run.count(metric)).isPositive();
  }

  @Test
  @DisplayName("a whole lifecycle: each state change is one audit line and one metric; alarm metrics carry "
      + "service=key-rotation in the configured namespace; no key material is ever written")
  void lifecycle() {
    Run boot = invoke(Instant.parse("2026-10-20T10:00:00Z"), event("bootstrap.json"));
    assertAuditedAndCounted(boot, Trigger.OPERATOR);
    assertAlarmable(boot, "RotationSucceeded");
    assertAlarmable(boot, "CurrentKeyAgeDays");
    assertThat(boot.count("KeyPublished")).isEqualTo(1);

    Run monthly = invoke(Instant.parse("2026-11-01T03:00:04Z"), event("scheduled-monthly.json"));
    assertAuditedAndCounted(monthly, Trigger.SCHEDULE);
    assertAlarmable(monthly, "RotationSucceeded");
    String k2 = (String) monthly.result().get("kid");

    Run again = invoke(Instant.parse("2026-11-01T03:05:00Z"), event("scheduled-monthly.json"));
    assertThat(again.stateChanges()).isEmpty();
    assertThat(again.count("RotationSucceeded")).isZero();

    Run daily = invoke(Instant.parse("2026-11-03T03:30:00Z"), event("status-daily-check.json"));
    assertAuditedAndCounted(daily, Trigger.SCHEDULE);
    assertAlarmable(daily, "CurrentKeyAgeDays");
    assertThat(daily.emf().path("CurrentKeyAgeDays").asDouble()).isGreaterThan(2.0).isLessThan(2.1);

    Map<String, Object> revokeEvent = new HashMap<>(event("revoke.json"));
    revokeEvent.put("kid", k2);
    Run revoke = invoke(Instant.parse("2026-11-04T09:00:00Z"), revokeEvent);
    assertAuditedAndCounted(revoke, Trigger.OPERATOR);
    assertThat(revoke.count("KeyRevoked")).isEqualTo(1);

    Run forced = invoke(Instant.parse("2026-11-20T09:00:00Z"), event("rotate-force.json"));
    assertAuditedAndCounted(forced, Trigger.OPERATOR);

    world.edge.failNext(1000, 500);
    Run failed = invokeFailing(Instant.parse("2026-12-01T03:00:00Z"),
        replaceTime(event("scheduled-monthly.json"), "2026-12-01T03:00:00Z"));
    assertAlarmable(failed, "RotationFailed");
    assertThat(failed.count("RotationFailed")).isEqualTo(1);
    assertThat(failed.lines()).anySatisfy(l -> {
      assertThat(l.path("level").asText()).isEqualTo("ERROR");
      assertThat(l.path("message").asText()).contains("rotation of edge-origin failed at step PUBLISH");
    });
    assertAuditedCreation(failed);
    world.edge.clearFailures();

    assertNoKeyMaterial(stdout.everything());
    assertThat(emitted).as("every line is JSON (no plain-text noise in the function's log)")
        .allSatisfy(l -> assertThat(l.isObject()).as(l.toString()).isTrue());
  }

  /**
   * Guards the template against alarms on metrics nobody emits: every alarm whose {@code service}
   * dimension names this function watches, in the template's metrics namespace, a metric this
   * function emits with exactly that dimension set.
   */
  @Test
  @DisplayName("every template alarm on a key-rotation metric watches a name, dimension set and namespace the function emits")
  void templateAlarmsWatchEmittedMetrics() {
    invoke(Instant.parse("2026-10-20T10:00:00Z"), event("bootstrap.json"));
    invoke(Instant.parse("2026-10-22T03:30:00Z"), event("status-daily-check.json"));
    world.edge.failNext(1000, 500);
    invokeFailing(Instant.parse("2026-11-01T03:00:00Z"), replaceTime(event("scheduled-monthly.json"), "2026-11-01T03:00:00Z"));
    world.edge.clearFailures();
    java.util.Set<String> produced = new java.util.TreeSet<>();
    for (JsonNode blob : emitted.stream().filter(l -> l.has("_aws")).toList()) {
      for (JsonNode directive : blob.path("_aws").path("CloudWatchMetrics")) {
        for (JsonNode set : directive.path("Dimensions")) {
          Map<String, String> dims = new java.util.TreeMap<>();
          set.forEach(d -> dims.put(d.asText(), blob.path(d.asText()).asText()));
          directive.path("Metrics").findValuesAsText("Name").forEach(name -> produced.add(name + " " + dims));
        }
      }
    }
    SamTemplate template = SamTemplate.load();
    String namespace = String.valueOf(SamTemplate.map(SamTemplate.map(template.functionGlobals().get("Environment"))
        .get("Variables")).get("POWERTOOLS_METRICS_NAMESPACE"));
    String service = String.valueOf(SamTemplate.map(SamTemplate.map(template.properties("KeyRotationFunction")
        .get("Environment")).get("Variables")).get("POWERTOOLS_SERVICE_NAME"));
    List<String> watched = new ArrayList<>();
    for (String alarm : template.resourcesOfType("AWS::CloudWatch::Alarm")) {
      Map<String, Object> props = template.properties(alarm);
      List<Map<String, Object>> metrics = new ArrayList<>();
      if (props.containsKey("MetricName")) {
        metrics.add(props);
      }
      for (Object q : SamTemplate.list(props.get("Metrics"))) {
        metrics.add(SamTemplate.map(SamTemplate.map(SamTemplate.map(q).get("MetricStat")).get("Metric")));
      }
      for (Map<String, Object> metric : metrics) {
        Map<String, String> dims = new java.util.TreeMap<>();
        for (Object d : SamTemplate.list(metric.get("Dimensions"))) {
          dims.put(String.valueOf(SamTemplate.map(d).get("Name")), String.valueOf(SamTemplate.map(d).get("Value")));
        }
        if (!service.equals(dims.get("service"))) {
          continue;
        }
        watched.add(alarm);
        assertThat(metric.get("Namespace")).as("namespace of %s", alarm).isEqualTo(namespace);
        assertThat(produced).as("alarm %s watches a metric key-rotation never emits", alarm)
            .contains(metric.get("MetricName") + " " + dims);
      }
    }
    assertThat(watched).contains("RotationFailedAlarm", "RotationStaleAlarm");
  }

  /** The failed run still created (and audited) its NEXT key before publishing failed. */
  private void assertAuditedCreation(Run failed) {
    KeyRecord next = world.inState(KeyState.NEXT).get(0);
    assertThat(failed.stateChanges()).singleElement().satisfies(l -> {
      assertThat(l.get("audit").path("kid").asText()).isEqualTo(next.kid());
      assertThat(l.get("audit").path("to").asText()).isEqualTo("NEXT");
    });
    assertThat(failed.count("KeyCreated")).isEqualTo(1);
  }

  private static Map<String, Object> replaceTime(Map<String, Object> event, String time) {
    Map<String, Object> copy = new HashMap<>(event);
    copy.put("time", time);
    copy.put("id", "dec-" + time);
    return copy;
  }

  /** No key's material (raw, hex, base64, base64url) nor the wrapping key appears anywhere in the output. */
  private void assertNoKeyMaterial(byte[] output) {
    String text = new String(output, StandardCharsets.ISO_8859_1);
    List<byte[]> secrets = new ArrayList<>();
    for (KeyRecord key : world.keys()) {
      secrets.add(world.tableMaterial(key.kid()));
    }
    secrets.add(world.wrappingKey);
    assertThat(world.keys()).hasSizeGreaterThanOrEqualTo(5);
    assertThat(emitted).as("captured output").hasSizeGreaterThan(20);
    for (byte[] secret : secrets) {
      List<Supplier<String>> forms = List.of(
          () -> new String(secret, StandardCharsets.ISO_8859_1),
          () -> Base64.getEncoder().encodeToString(secret),
          () -> Base64.getEncoder().withoutPadding().encodeToString(secret),
          () -> Base64Url.encode(secret),
          () -> HexFormat.of().formatHex(secret));
      for (Supplier<String> form : forms) {
        assertThat(text).doesNotContain(form.get());
      }
    }
  }
}
