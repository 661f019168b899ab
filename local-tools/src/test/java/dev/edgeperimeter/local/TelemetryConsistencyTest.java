package dev.edgeperimeter.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.edgeperimeter.testsupport.MotoExtension;
import dev.edgeperimeter.testsupport.MotoServer;
import dev.edgeperimeter.testsupport.SamTemplate;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The three functions speak one telemetry dialect (issue 11): each is invoked through the
 * local-invoke path (built artifact, template environment, fresh JVM) against moto, and the EMF
 * documents and log lines it writes are read back: one namespace, the dimension {@code service}
 * naming the function everywhere, the reason of a refusal under {@code Reason} in both the
 * authorizer and log-ingest, and Powertools' log keys with the Lambda context on the log lines.
 */
@ExtendWith(MotoExtension.class)
class TelemetryConsistencyTest {
  private static final Path PROJECT = SamTemplate.locate().getParent();
  private static final Path EVENTS = PROJECT.resolve("events");

  private final MotoServer moto;
  private final LocalInvoke invoker = LocalInvoke.forProject();

  @TempDir
  Path scratch;

  TelemetryConsistencyTest(MotoServer moto) {
    this.moto = moto;
  }

  private record Output(String function, List<JsonNode> emf, List<JsonNode> logs) {
  }

  private Output invoke(String logicalId, Path event, Map<String, String> parameters, Map<String, String> env)
      throws Exception {
    Map<String, String> processEnv = new HashMap<>(moto.environment());
    processEnv.put("PATH", System.getenv("PATH"));
    LocalInvoke.Result r = invoker.invoke(new LocalInvoke.Request(logicalId, event, Map.of(logicalId, env), parameters,
        processEnv));
    List<JsonNode> emf = new ArrayList<>();
    List<JsonNode> logs = new ArrayList<>();
    for (String line : r.logs().split("\n")) {
      String l = line.strip();
      if (!l.startsWith("{")) {
        continue;
      }
      try {
        JsonNode node = FreshEvents.MAPPER.readTree(l);
        (node.has("_aws") ? emf : logs).add(node);
      } catch (Exception notJson) {
        // a plain line of the runtime's own
      }
    }
    return new Output(logicalId, emf, logs);
  }

  private static Set<String> namespaces(Output o) {
    Set<String> out = new TreeSet<>();
    o.emf().forEach(d -> d.at("/_aws/CloudWatchMetrics").forEach(m -> out.add(m.path("Namespace").asText())));
    return out;
  }

  private static List<Set<String>> dimensionSets(Output o) {
    List<Set<String>> out = new ArrayList<>();
    o.emf().forEach(d -> d.at("/_aws/CloudWatchMetrics").forEach(m -> m.path("Dimensions").forEach(set -> {
      Set<String> names = new TreeSet<>();
      set.forEach(n -> names.add(n.asText()));
      out.add(names);
    })));
    return out;
  }

  @Test
  @DisplayName("authorizer, log-ingest and key-rotation: one namespace, `service` everywhere, `Reason` for refusals, Powertools log keys")
  void oneDialect() throws Exception {
    LocalResources.create(SamTemplate.load(), moto.clients());
    Output rotation = invoke("KeyRotationFunction", EVENTS.resolve("key-rotation/bootstrap.json"), Map.of(),
        Map.of("EDGE_PUBLISHER", "none"));
    // an expired sample assertion: refused with a reason
    Output authorizer = invoke("AuthorizerFunction", EVENTS.resolve("authorizer/rest-request.json"),
        Map.of("AuthMode", "edge"), Map.of());
    // a fresh EdgeWorker batch with one record refused
    Path batch = new FreshEvents(moto.clients(), Clock.systemUTC())
        .writeLogIngest(EVENTS.resolve("log-ingest"), scratch).stream()
        .filter(p -> p.getFileName().toString().startsWith("edgeworker")).findFirst().orElseThrow();
    Output ingest = invoke("LogIngestFunction", batch, Map.of(), Map.of());

    for (Output o : List.of(rotation, authorizer, ingest)) {
      assertThat(o.emf()).as(o.function() + " wrote EMF").isNotEmpty();
      assertThat(namespaces(o)).as(o.function() + " namespace").containsExactly("EdgePerimeter");
      assertThat(dimensionSets(o)).as(o.function() + " dimension sets")
          .allSatisfy(set -> assertThat(set).noneMatch(n -> n.equalsIgnoreCase("service") && !n.equals("service"))
              .noneMatch(n -> n.equalsIgnoreCase("reason") && !n.equals("Reason")));
      assertThat(o.logs()).as(o.function() + " log lines").isNotEmpty()
          .anyMatch(l -> l.has("function_name") && l.has("function_request_id") && l.has("cold_start")
              && l.has("service") && l.has("level") && l.has("message") && l.has("timestamp"));
    }
    assertThat(dimensionSets(authorizer)).contains(Set.of("service", "Reason"));
    assertThat(authorizer.emf()).anyMatch(d -> "authorizer".equals(d.path("service").asText())
        && d.has("Unauthorized") && d.has("Reason"));
    assertThat(dimensionSets(rotation)).anyMatch(set -> set.contains("service"));
  }
}
