package dev.edgeperimeter.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgeperimeter.testsupport.MotoExtension;
import dev.edgeperimeter.testsupport.MotoServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the function writes to its log, read from a real function JVM ({@link FunctionProcess}:
 * production wiring, a Lambda context, an API Gateway request): every log line carries the
 * Powertools context, and every metric has one dimension set (except where an alarm needs two).
 */
@ExtendWith(MotoExtension.class)
class IngestTelemetryContextTest {
  private final MotoServer server;

  IngestTelemetryContextTest(MotoServer server) {
    this.server = server;
  }

  private String invoke(Path dir) throws Exception {
    MotoFixture fx = new MotoFixture(server);
    // CDN records (with EdgeWorker errors) plus one unreadable line: stored records and a rejection
    byte[] records = Samples.ndjson(12, Instant.now().getEpochSecond() - 60);
    byte[] body = new byte[records.length + 8];
    System.arraycopy(records, 0, body, 0, records.length);
    System.arraycopy(Samples.utf8("{broken\n"), 0, body, records.length, 8);
    Path file = Files.write(dir.resolve("body.ndjson"), body);
    Map<String, String> env = new HashMap<>(server.environment());
    env.put("LOG_GROUP_NAME", fx.logGroup);
    env.put("INGEST_LEDGER_TABLE", fx.ledgerTable);
    env.put("POWERTOOLS_SERVICE_NAME", "log-ingest");
    env.put("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand"); // as Lambda sets it for a cold start without SnapStart
    String output = FunctionProcess.output(FunctionProcess.start(file, env));
    assertThat(FunctionProcess.answer(output)[0]).as(output).isEqualTo("200");
    return output;
  }

  private static List<Map<String, Object>> jsonLines(String output, boolean metrics) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (String line : output.split("\n")) {
      if (line.startsWith("{") && line.contains("\"_aws\"") == metrics) {
        out.add(Json.map(line));
      }
    }
    return out;
  }

  @Test
  @DisplayName("every ingest log line carries function name, request id, cold start, service and the correlation id")
  void everyLineHasContext(@TempDir Path dir) throws Exception {
    List<Map<String, Object>> lines = jsonLines(invoke(dir), false);
    assertThat(lines).as("log lines").isNotEmpty()
        .anySatisfy(l -> assertThat((String) l.get("message")).startsWith("stored ds2#"));
    assertThat(lines).allSatisfy(l -> {
      assertThat(l).as(l.toString())
          .containsEntry("function_name", "log-ingest-test")
          .containsEntry("function_version", "$LATEST")
          .containsEntry("cold_start", true)
          .containsEntry("service", "log-ingest")
          .containsEntry("correlation_id", FunctionProcess.API_REQUEST_ID);
      assertThat(l.get("function_request_id")).as(l.toString()).isNotNull();
    });
    assertThat(lines.stream().map(l -> l.get("function_request_id")).distinct()).hasSize(1);
  }

  @Test
  @DisplayName("one dimension set per metric; RecordsRejected has a second (Format, Reason) for the reason codes")
  @SuppressWarnings("unchecked")
  void oneDimensionSetPerMetric(@TempDir Path dir) throws Exception {
    Map<String, Set<List<String>>> setsByMetric = new TreeMap<>();
    for (Map<String, Object> doc : jsonLines(invoke(dir), true)) {
      for (Map<String, Object> directive : (List<Map<String, Object>>) ((Map<String, Object>) doc.get("_aws"))
          .get("CloudWatchMetrics")) {
        for (Map<String, Object> metric : (List<Map<String, Object>>) directive.get("Metrics")) {
          for (List<String> dims : (List<List<String>>) directive.get("Dimensions")) {
            setsByMetric.computeIfAbsent((String) metric.get("Name"), k -> new LinkedHashSet<>()).add(dims);
          }
        }
      }
    }
    assertThat(setsByMetric).containsKeys("RecordsRead", "RecordsAccepted", "RecordsRejected", "EdgeWorkerErrors");
    setsByMetric.forEach((metric, sets) -> {
      if (metric.equals("RecordsRejected")) {
        assertThat(sets).as(metric).containsExactlyInAnyOrder(List.of("Format"), List.of("Format", "Reason"));
      } else {
        assertThat(sets).as(metric + " " + sets).hasSize(1);
      }
    });
  }
}
