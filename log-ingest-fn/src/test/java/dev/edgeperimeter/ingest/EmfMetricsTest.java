package dev.edgeperimeter.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import software.amazon.lambda.powertools.metrics.MetricsFactory;

/**
 * EMF through Powertools: per-body counts, status classes, cache ratio, turnaround value arrays,
 * EdgeWorker errors by id and handler, edge log records by severity; low-cardinality dimensions only.
 * (Surefire sets AWS_EMF_ENVIRONMENT=Local so the EMF documents go to stdout.)
 */
class EmfMetricsTest {

  private static List<Map<String, Object>> emfDocuments(Runnable publish) {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      publish.run();
    } finally {
      System.setOut(original);
    }
    List<Map<String, Object>> docs = new ArrayList<>();
    for (String line : captured.toString(StandardCharsets.UTF_8).split("\n")) {
      if (line.contains("\"_aws\"")) {
        docs.add(Json.map(line));
      }
    }
    return docs;
  }

  @SuppressWarnings("unchecked")
  private static List<String> metricNames(Map<String, Object> doc) {
    Map<String, Object> aws = (Map<String, Object>) doc.get("_aws");
    List<Map<String, Object>> cw = (List<Map<String, Object>>) aws.get("CloudWatchMetrics");
    return cw.stream().flatMap(d -> ((List<Map<String, Object>>) d.get("Metrics")).stream())
        .map(m -> (String) m.get("Name")).toList();
  }

  @Test
  @DisplayName("a DataStream 2 body yields the documented EMF metrics, with value arrays for turnaround")
  void dataStream2Metrics() throws Exception {
    PreparedBody body = new IngestPipeline(Clock.fixed(Samples.NOW, ZoneOffset.UTC))
        .parseNormalizeBatch(Samples.ndjson(30, Samples.NOW_SEC));
    List<Map<String, Object>> docs = emfDocuments(() ->
        new EmfIngestMetrics(MetricsFactory.getMetricsInstance(), "EdgePerimeterTest").publish(body.format(), body.stats()));

    Map<String, Object> main = docs.stream().filter(d -> metricNames(d).contains("RecordsRead")).findFirst().orElseThrow();
    assertThat(main).containsEntry("Format", "ds2").containsEntry("RecordsRead", 30.0).containsEntry("RecordsAccepted", 30.0)
        .containsEntry("CdnStatus5xx", 3.0).containsEntry("CacheHits", 20.0).containsEntry("CacheMisses", 10.0);
    assertThat(((Number) main.get("CacheHitRatio")).doubleValue()).isBetween(66.6, 66.7);
    assertThat((List<?>) main.get("EdgeTurnaroundTime")).hasSize(30);
    assertThat(metricNames(main)).contains("EdgeTurnaroundTime", "CdnStatus2xx", "CdnStatus3xx", "CdnStatus4xx");

    Map<String, Object> ewErrors = docs.stream().filter(d -> metricNames(d).contains("EdgeWorkerErrors")).findFirst().orElseThrow();
    assertThat(ewErrors).containsEntry("EdgeWorkerId", "4380").containsEntry("Handler", "responseProvider")
        .containsEntry("EdgeWorkerErrors", 3.0);
    // nothing per request: no request ids, client IPs or hosts anywhere in the metric documents
    assertThat(docs.toString()).doesNotContain("1239f220", "128.147.28.68", "test.hostname.net");
  }

  @Test
  @DisplayName("rejections by reason and edge log records by severity get their own dimensioned documents")
  void rejectionsAndSeverities() throws Exception {
    long now = Samples.NOW.toEpochMilli();
    String body = "{\"v\":1,\"source\":\"edgeworker\",\"batchId\":\"m-1\",\"events\":["
        + Samples.edgeWorkerEvent(0, now, "error") + "," + Samples.edgeWorkerEvent(1, now, "debug") + ",{\"msg\":\"no ts\"}]}";
    PreparedBody prepared = new IngestPipeline(Clock.fixed(Samples.NOW, ZoneOffset.UTC)).prepare(Samples.utf8(body), null);
    List<Map<String, Object>> docs = emfDocuments(() ->
        new EmfIngestMetrics(MetricsFactory.getMetricsInstance(), "EdgePerimeterTest").publish(prepared.format(), prepared.stats()));
    assertThat(docs).anySatisfy(d -> assertThat(d).containsEntry("Reason", "no_timestamp").containsEntry("RecordsRejected", 1.0)
        .containsEntry("Format", "edgeworker"));
    assertThat(docs).anySatisfy(d -> assertThat(d).containsEntry("Severity", "error").containsEntry("EdgeLogRecords", 1.0));
    assertThat(docs).anySatisfy(d -> assertThat(d).containsEntry("Severity", "debug").containsEntry("EdgeLogRecords", 1.0));
    assertThat(docs).anySatisfy(d -> assertThat(d).containsEntry("EdgeWorkerId", "1234567")
        .containsEntry("Handler", "onClientRequest").containsEntry("EdgeWorkerErrors", 1.0));
  }

  @Test
  @DisplayName("hostile values cannot create dimensions: unknown severities, handlers and too many EdgeWorker ids collapse")
  void cardinalityCapped() {
    BatchStats stats = new BatchStats();
    for (int i = 0; i < 100; i++) {
      stats.edgeWorkerError(Integer.toString(1000 + i), "handler-" + i);
      stats.severity("sev-" + i);
    }
    stats.edgeWorkerError("not-a-number", "onClientRequest");
    assertThat(stats.edgeWorkerErrors()).hasSize(BatchStats.MAX_EDGEWORKER_IDS + 1).containsKey("other");
    assertThat(stats.edgeWorkerErrors().values()).allSatisfy(h -> assertThat(h.keySet()).isSubsetOf("other", "onClientRequest"));
    assertThat(stats.severities()).containsOnlyKeys("other");
  }
}
