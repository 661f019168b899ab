package dev.edgeperimeter.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgeperimeter.testsupport.SamTemplate;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

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
        EmfIngestMetrics.of("EdgePerimeterTest", EmfIngestMetrics.DEFAULT_SERVICE_NAME).publish(body.format(), body.stats()));

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
        EmfIngestMetrics.of("EdgePerimeterTest", EmfIngestMetrics.DEFAULT_SERVICE_NAME).publish(prepared.format(), prepared.stats()));
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

  @Test
  @DisplayName("a body whose storage failed after retries counts IngestStorageFailed (service dimension only)")
  void storageFailureCounted() {
    List<Map<String, Object>> docs = emfDocuments(() ->
        EmfIngestMetrics.of("EdgePerimeterTest", "log-ingest")
            .storageFailed(BodyFormat.DATASTREAM2_NDJSON));
    assertThat(docs).singleElement().satisfies(d -> {
      assertThat(d).containsEntry("IngestStorageFailed", 1.0).containsEntry("service", "log-ingest");
      assertThat(dimensionSets(d)).containsExactly(List.of("service"));
    });
  }

  @Test
  @DisplayName("the service answers 503 and counts IngestStorageFailed when storage fails after retries")
  void serviceCountsStorageFailures() {
    List<BodyFormat> failed = new ArrayList<>();
    IngestMetrics recording = new IngestMetrics() {
      @Override
      public void publish(BodyFormat format, BatchStats stats) {
      }

      @Override
      public void storageFailed(BodyFormat format) {
        failed.add(format);
      }
    };
    LogStore broken = (batch, events, budget) -> {
      throw new StoreUnavailableException("injected: CloudWatch Logs unavailable", null);
    };
    LogIngestService service = new LogIngestService(IngestLimits.DEFAULT_MAX_BODY_BYTES,
        Clock.fixed(Samples.NOW, ZoneOffset.UTC), broken, new InMemoryLedger(), recording);
    IngestResponse response = service.ingest(new IngestRequest(Samples.ndjson(3, Samples.NOW_SEC), null, null),
        TimeBudget.unlimited());
    assertThat(response.status()).isEqualTo(503);
    assertThat(failed).containsExactly(BodyFormat.DATASTREAM2_NDJSON);
  }

  /**
   * Guards the template against alarms on metrics nobody emits: every {@code AWS::CloudWatch::Alarm}
   * and {@code AWS::CloudWatch::AnomalyDetector} on a metric of the functions' namespace that is not
   * another function's ({@code service} dimension) must watch a metric name with exactly the dimension set and values this function
   * emits, in the namespace the template configures.
   */
  @Test
  @DisplayName("every template alarm on a log-ingest metric watches a name, dimension set and namespace the ingest emits")
  void templateAlarmsWatchEmittedMetrics() throws Exception {
    SamTemplate template = SamTemplate.load();
    String namespace = String.valueOf(SamTemplate.map(SamTemplate.map(template.functionGlobals().get("Environment"))
        .get("Variables")).get("POWERTOOLS_METRICS_NAMESPACE"));
    String service = String.valueOf(SamTemplate.map(SamTemplate.map(template.properties("LogIngestFunction")
        .get("Environment")).get("Variables")).get("POWERTOOLS_SERVICE_NAME"));
    PreparedBody ds2 = new IngestPipeline(Clock.fixed(Samples.NOW, ZoneOffset.UTC))
        .parseNormalizeBatch(Samples.ndjson(30, Samples.NOW_SEC));
    long now = Samples.NOW.toEpochMilli();
    PreparedBody ew = new IngestPipeline(Clock.fixed(Samples.NOW, ZoneOffset.UTC)).prepare(Samples.utf8(
        "{\"v\":1,\"source\":\"edgeworker\",\"batchId\":\"m-2\",\"events\":[" + Samples.edgeWorkerEvent(0, now, "error")
            + ",{\"msg\":\"no ts\"}]}"), null);
    EmfIngestMetrics metrics = EmfIngestMetrics.of(namespace, service);
    List<Map<String, Object>> docs = emfDocuments(() -> {
      metrics.publish(ds2.format(), ds2.stats());
      metrics.publish(ew.format(), ew.stats());
      metrics.storageFailed(BodyFormat.DATASTREAM2_NDJSON);
      metrics.storageFailed(BodyFormat.EDGEWORKER_BATCH);
    });
    Set<String> emitted = new TreeSet<>();
    for (Map<String, Object> doc : docs) {
      for (Map<String, Object> directive : directives(doc)) {
        String ns = (String) directive.get("Namespace");
        for (List<String> dims : dimensionSets(doc)) {
          Map<String, String> values = new TreeMap<>();
          dims.forEach(k -> values.put(k, String.valueOf(doc.get(k))));
          for (Object m : (List<?>) directive.get("Metrics")) {
            emitted.add(ns + " " + ((Map<?, ?>) m).get("Name") + " " + values);
          }
        }
      }
    }
    List<String> watched = new ArrayList<>();
    List<String> watchers = new ArrayList<>(template.resourcesOfType("AWS::CloudWatch::Alarm"));
    watchers.addAll(template.resourcesOfType("AWS::CloudWatch::AnomalyDetector"));
    for (String alarm : watchers) {
      for (Map<String, Object> metric : alarmMetrics(template.properties(alarm))) {
        Map<String, String> dims = new TreeMap<>();
        for (Object d : SamTemplate.list(metric.get("Dimensions"))) {
          dims.put(String.valueOf(SamTemplate.map(d).get("Name")), String.valueOf(SamTemplate.map(d).get("Value")));
        }
        String ns = String.valueOf(metric.get("Namespace"));
        if (ns.startsWith("AWS/") || (dims.containsKey("service") && !dims.get("service").equals(service))) {
          continue; // an AWS metric, or another function's
        }
        watched.add(alarm);
        assertThat(emitted).as("alarm %s watches a metric the ingest never emits", alarm)
            .contains(ns + " " + metric.get("MetricName") + " " + dims);
      }
    }
    assertThat(watched).as("the ingest's alarms and anomaly detectors").contains("EdgeServerErrorRateAlarm",
        "EdgeServerErrorRateDetector", "EdgeTurnaroundP99Alarm", "EdgeTurnaroundP99Detector", "IngestRejectedRecordsAlarm",
        "IngestRejectedRecordsDetector", "IngestFailuresAlarm");
  }

  /**
   * The metrics an alarm or anomaly detector watches: its own, each MetricStat of a metric-math
   * alarm, a single-metric detector's, or each MetricStat of a metric-math detector.
   */
  private static List<Map<String, Object>> alarmMetrics(Map<String, Object> props) {
    List<Map<String, Object>> out = new ArrayList<>();
    if (props.containsKey("MetricName")) {
      out.add(props);
    }
    Map<String, Object> single = SamTemplate.map(props.get("SingleMetricAnomalyDetector"));
    if (!single.isEmpty()) {
      out.add(single);
    }
    List<Object> queries = new ArrayList<>(SamTemplate.list(props.get("Metrics")));
    queries.addAll(SamTemplate.list(SamTemplate.map(props.get("MetricMathAnomalyDetector")).get("MetricDataQueries")));
    for (Object q : queries) {
      Map<String, Object> metric = SamTemplate.map(SamTemplate.map(SamTemplate.map(q).get("MetricStat")).get("Metric"));
      if (!metric.isEmpty()) {
        out.add(metric);
      }
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> directives(Map<String, Object> doc) {
    return (List<Map<String, Object>>) ((Map<String, Object>) doc.get("_aws")).get("CloudWatchMetrics");
  }

  @SuppressWarnings("unchecked")
  private static List<List<String>> dimensionSets(Map<String, Object> doc) {
    return directives(doc).stream().flatMap(d -> ((List<List<String>>) d.get("Dimensions")).stream()).toList();
  }

  /** The number of per-trace metrics objects Powertools' shared instance holds (its private map). */
  private static int perTraceEntries() throws ReflectiveOperationException {
    Object shared = software.amazon.lambda.powertools.metrics.MetricsFactory.getMetricsInstance();
    java.lang.reflect.Field map = shared.getClass().getDeclaredField("metricsMap");
    map.setAccessible(true);
    return ((Map<?, ?>) map.get(shared)).size();
  }

  @Test
  @DisplayName("a warm container keeps no metrics state per invocation: 300 bodies with distinct X-Ray trace ids")
  void noStatePerInvocation() throws Exception {
    // Powertools' shared instance keeps one metrics object per trace id until flush(), which
    // flushMetrics/flushSingleMetric never call: the function's metrics must not come from it
    PreparedBody body = new IngestPipeline(Clock.fixed(Samples.NOW, ZoneOffset.UTC))
        .parseNormalizeBatch(Samples.ndjson(3, Samples.NOW_SEC));
    EmfIngestMetrics metrics = EmfIngestMetrics.of("EdgePerimeterTest", EmfIngestMetrics.DEFAULT_SERVICE_NAME);
    int before = perTraceEntries();
    try {
      List<Map<String, Object>> docs = emfDocuments(() -> {
        for (int i = 0; i < 300; i++) {
          System.setProperty("com.amazonaws.xray.traceHeader", String.format("Root=1-67500000-%024x;Sampled=0", i));
          metrics.publish(body.format(), body.stats());
        }
      });
      assertThat(docs).hasSizeGreaterThanOrEqualTo(300);
    } finally {
      System.clearProperty("com.amazonaws.xray.traceHeader");
    }
    assertThat(perTraceEntries()).as("per-trace metrics objects held after 300 invocations").isEqualTo(before);
  }
}
