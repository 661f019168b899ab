package dev.edgeperimeter.local.observability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgeperimeter.local.stack.LocalStack;
import dev.edgeperimeter.shared.keys.KeyRecord;
import dev.edgeperimeter.shared.keys.KeyState;
import dev.edgeperimeter.testsupport.EdgeAssertionSigner;
import dev.edgeperimeter.testsupport.SamTemplate;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Guards the template's observability against drift from the code: one local stack runs the real
 * function zips through the traffic every alarm and widget is about (allowed and refused requests,
 * forged assertions, DataStream 2 and EdgeWorker log bodies, rotations, a failed rotation); then
 * every alarm, anomaly detector and dashboard metric must be one the functions emitted (namespace,
 * name, exact dimension set and values, as read from their EMF lines), and every Logs Insights
 * query may read only fields the functions wrote (parsed, against their JSON log lines and the
 * stored edge log events). Names are never hard-coded here: they come from the functions' output.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PerimeterTelemetryTest {
  /**
   * Metrics the local stack cannot make a function emit, each guarded by its module's test of the
   * same rule: IngestStorageFailed needs CloudWatch Logs to fail after retries
   * (log-ingest-fn EmfMetricsTest#templateAlarmsWatchEmittedMetrics).
   */
  private static final Set<String> PROVED_IN_MODULE_TESTS = Set.of("IngestStorageFailed");

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final SamTemplate template = SamTemplate.load();
  private final TemplateTelemetry watched = new TemplateTelemetry(template);
  private final EmittedTelemetry emitted = new EmittedTelemetry();
  private LocalStack stack;
  private String token;

  @BeforeAll
  void driveTheStack() throws Exception {
    Path logs = Path.of("target", "perimeter-telemetry").toAbsolutePath();
    if (Files.isDirectory(logs)) { // the function logs append: an earlier run's lines must not count
      try (var files = Files.walk(logs)) {
        for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(f);
        }
      }
    }
    stack = LocalStack.start(LocalStack.Options.defaults().withLogDir(logs));
    token = stack.userPool().accessToken();
    String edge = stack.edgeUrl();
    assertThat(send("GET", edge + "/orders/42", null, Map.of("Authorization", "Bearer " + token)).statusCode()).isEqualTo(200);
    assertThat(send("POST", edge + "/orders", "{}", Map.of("Authorization", "Bearer " + token)).statusCode()).isEqualTo(403);
    assertThat(send("GET", edge + "/orders/42", null, Map.of()).statusCode()).isEqualTo(401);

    KeyRecord current = key(KeyState.CURRENT);
    // the edge refused POST /orders itself (route policy); the origin's own scope_denied, straight to the gateway
    long nowSeconds = System.currentTimeMillis() / 1000;
    String scoped = EdgeAssertionSigner.sign(current.kid(), stack.keyMaterial(current), EdgeAssertionSigner.Claims.of(
        LocalStack.EDGE_ISSUER, stack.parameters().get("EdgeAudience"), nowSeconds, UUID.randomUUID().toString(), "POST",
        "/orders").withBearer(token));
    assertThat(send("POST", stack.gatewayUrl() + "/orders", "{}", Map.of("Authorization", "Bearer " + token,
        "X-Edge-Assertion", scoped)).statusCode()).isEqualTo(403);
    byte[] wrongKey = new byte[32];
    new SecureRandom().nextBytes(wrongKey);
    straightToGateway(current.kid(), wrongKey, token);                    // bad_signature
    straightToGateway("2020-01.AAAAAAAAAAAA", wrongKey, token);           // unknown_kid
    straightToGateway(current.kid(), stack.keyMaterial(current), "not-a.user.token"); // user_token_invalid

    long now = System.currentTimeMillis();
    assertThat(ingest(cdnRecords(now))).isEqualTo(200);
    assertThat(ingest(edgeWorkerJsRecords(now))).isEqualTo(200);
    assertThat(ingest(("{\"v\":1,\"source\":\"edgeworker\",\"batchId\":\"" + UUID.randomUUID() + "\",\"events\":["
        + "{\"ts\":" + now + ",\"reqId\":\"req-ew-1\",\"level\":\"error\",\"msg\":\"decision=reject reason=bad_token\","
        + "\"ew\":{\"id\":1234567,\"version\":\"1.0.0\",\"handler\":\"onClientRequest\"},\"attrs\":{\"k\":\"v\"}},"
        + "{\"msg\":\"no timestamp\"}]}"))).isEqualTo(200);

    assertThat(stack.rotate().error()).isFalse();
    assertThat(stack.invoke("KeyRotationFunction", "{\"action\":\"status\"}").error()).isFalse();
    assertThat(stack.revoke(key(KeyState.PREVIOUS).kid()).error()).isFalse();
    stack.edgeKv().failNext(1000, 500);
    var failed = stack.revoke(key(KeyState.CURRENT).kid()); // its replacement cannot be published
    assertThat(failed.error()).as("a revocation whose publish fails: %s", failed.text()).isTrue();
    stack.edgeKv().clearFailures();

    for (String function : List.of("AuthorizerFunction", "LogIngestFunction", "KeyRotationFunction")) {
      emitted.readLog(stack.logDir().resolve(function + ".log"));
    }
    stack.edgeLogMessages().forEach(emitted::readMessage);
  }

  @AfterAll
  void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  private KeyRecord key(KeyState state) {
    return stack.keys().stream().filter(k -> k.state() == state).findFirst()
        .orElseThrow(() -> new AssertionError("no " + state + " key in " + stack.keys()));
  }

  private HttpResponse<String> send(String method, String url, String body, Map<String, String> headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    headers.forEach(b::header);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private void straightToGateway(String kid, byte[] key, String bearer) throws Exception {
    long now = System.currentTimeMillis() / 1000;
    String assertion = EdgeAssertionSigner.sign(kid, key, EdgeAssertionSigner.Claims.of(LocalStack.EDGE_ISSUER,
        stack.parameters().get("EdgeAudience"), now, UUID.randomUUID().toString(), "GET", "/orders/42").withBearer(bearer));
    HttpResponse<String> r = send("GET", stack.gatewayUrl() + "/orders/42", null,
        Map.of("Authorization", "Bearer " + bearer, "X-Edge-Assertion", assertion));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(401);
  }

  private int ingest(String body) throws Exception {
    return send("POST", stack.edgeUrl() + "/edge/logs", body, Map.of("Authorization", "Bearer " + token)).statusCode();
  }

  /** DataStream 2 CDN records (JSON lines): 2xx..5xx, cache hits and misses, edge and origin turnaround. */
  private static String cdnRecords(long nowMillis) {
    StringBuilder b = new StringBuilder();
    int[] statuses = {200, 304, 404, 503, 200, 200};
    for (int i = 0; i < statuses.length; i++) {
      b.append("{\"version\":1,\"streamId\":\"12345\",\"cp\":\"123456\",\"reqId\":\"cdn-").append(i)
          .append("\",\"reqTimeSec\":\"").append(nowMillis / 1000).append(".250\",\"statusCode\":\"").append(statuses[i])
          .append("\",\"cacheStatus\":\"").append(i % 2).append("\",\"turnAroundTimeMSec\":\"").append(20 + i)
          .append("\",\"originTurnAroundTimeMSec\":\"").append(10 + i).append("\",\"reqMethod\":\"GET\",\"reqPath\":\"/orders/").append(i)
          .append("\"}\n");
    }
    return b.toString();
  }

  /** DataStream 2 EdgeWorkers JavaScript log records (the EdgeWorker's decision lines). */
  private static String edgeWorkerJsRecords(long nowMillis) {
    return "{\"time\":\"" + nowMillis * 1_000_000 + "\",\"severity\":\"ERROR\",\"body\":\"decision%3Dreject+reason%3Dbad_token\","
        + "\"ds2id\":\"67890\",\"attributes\":{\"request_id\":\"req-js-1\",\"event_handler\":\"onClientRequest\"},"
        + "\"resource\":{\"ew\":\"1234567\",\"ewv\":\"1.0.0\"}}\n";
  }

  private String namespace() {
    return String.valueOf(SamTemplate.map(SamTemplate.map(template.functionGlobals().get("Environment")).get("Variables"))
        .get("POWERTOOLS_METRICS_NAMESPACE"));
  }

  private boolean isEmitted(TemplateTelemetry.Watched w) {
    return emitted.metrics.contains(new EmittedTelemetry.Metric(w.namespace(), w.name(), w.dimensions()));
  }

  @Test
  @DisplayName("every alarm and anomaly detector on the functions' namespace watches a metric they emit, with its exact dimensions")
  void alarmsAndDetectorsWatchEmittedMetrics() {
    List<String> checked = new ArrayList<>();
    for (TemplateTelemetry.Watched w : watched.watched) {
      if (w.where().equals(watched.dashboardId) || w.where().startsWith(watched.dashboardId + " ")
          || w.namespace().startsWith("AWS/") || PROVED_IN_MODULE_TESTS.contains(w.name())) {
        continue;
      }
      assertThat(w.namespace()).as(w.where()).isEqualTo(namespace());
      assertThat(isEmitted(w)).as("%s watches %s %s %s, which no function emitted; emitted: %s", w.where(), w.namespace(),
          w.name(), w.dimensions(), emitted.metrics).isTrue();
      checked.add(w.where());
    }
    assertThat(checked).as("the anomaly detectors and alarms this guards").contains(
        "EdgeServerErrorRateDetector", "EdgeServerErrorRateAlarm", "EdgeTurnaroundP99Detector", "EdgeTurnaroundP99Alarm",
        "IngestRejectedRecordsDetector", "IngestRejectedRecordsAlarm", "AuthorizerBadSignatureDetector",
        "AuthorizerBadSignatureAlarm", "AuthorizerUnknownKidAlarm", "AuthorizerUserTokenInvalidAlarm",
        "AuthorizerScopeDeniedAlarm", "RotationStaleAlarm", "RotationFailedAlarm");
  }

  @Test
  @DisplayName("every dashboard metric and SEARCH is one the functions emit (SEARCH: exact dimension keys and filters)")
  void dashboardWatchesEmittedMetrics() {
    assertThat(watched.dashboardId).as("a dashboard in the template").isNotNull();
    List<TemplateTelemetry.Watched> widgets = watched.watched.stream()
        .filter(w -> w.where().startsWith(watched.dashboardId + " ")).toList();
    for (TemplateTelemetry.Watched w : widgets) {
      if (PROVED_IN_MODULE_TESTS.contains(w.name())) {
        continue;
      }
      assertThat(w.namespace()).as(w.where()).isEqualTo(namespace());
      assertThat(isEmitted(w)).as("%s shows %s %s, which no function emitted; emitted: %s", w.where(), w.name(),
          w.dimensions(), emitted.metrics).isTrue();
    }
    assertThat(watched.searches).isNotEmpty();
    for (TemplateTelemetry.Search s : watched.searches) {
      assertThat(emitted.metrics).as("%s: SEARCH {%s,%s} %s finds nothing the functions emit", s.where(), s.namespace(),
          s.dimensionKeys(), s.filters()).anySatisfy(m -> {
            assertThat(m.namespace()).isEqualTo(s.namespace());
            assertThat(m.dimensions().keySet()).containsExactlyInAnyOrderElementsOf(s.dimensionKeys());
            s.filters().forEach((k, v) -> assertThat(k.equals("MetricName") ? m.name() : m.dimensions().get(k)).isEqualTo(v));
          });
    }
    assertThat(widgets).extracting(TemplateTelemetry.Watched::name).as("the perimeter at a glance").contains(
        "CdnStatus4xx", "Allow", "EdgeTurnaroundTime", "OriginTurnaroundTime", "CacheHits", "CacheMisses",
        "CurrentKeyAgeDays", "RotationSucceeded", "RecordsAccepted", "RecordsRejected");
  }

  @Test
  @DisplayName("every Logs Insights query (dashboard widgets and query definitions) reads only fields the functions write")
  void queriesReadWrittenFields() {
    assertThat(watched.queries).extracting(TemplateTelemetry.Query::text)
        .anySatisfy(q -> assertThat(q).contains("REPLACE_WITH_REQUEST_ID").contains("sort @timestamp desc"))
        .anySatisfy(q -> assertThat(q).contains("@ingestionTime"));
    for (TemplateTelemetry.Query q : watched.queries) {
      InsightsQuery parsed = new InsightsQuery(q.text());
      assertThat(parsed.reads).as("%s reads fields", q.where()).isNotEmpty();
      assertThat(emitted.logFields).as("%s reads %s; the functions write %s", q.where(), parsed.reads, emitted.logFields)
          .containsAll(parsed.reads);
    }
  }

  @Test
  @DisplayName("every alarm notifies AlarmTopicArn when it is set")
  void everyAlarmNotifies() {
    Object expected = Map.of("Fn::If", List.of("HasAlarmTopic", List.of(Map.of("Ref", "AlarmTopicArn")), Map.of("Ref", "AWS::NoValue")));
    assertThat(watched.alarms).hasSizeGreaterThan(10);
    for (String alarm : watched.alarms) {
      assertThat(template.properties(alarm).get("AlarmActions")).as(alarm).isEqualTo(expected);
    }
  }

  @Test
  @DisplayName("log anomaly detectors watch the edge and the authorizer log groups; absolute rules keep fixed thresholds")
  void detectorsAndFixedRules() {
    List<String> detected = new ArrayList<>();
    for (String id : template.resourcesOfType("AWS::Logs::LogAnomalyDetector")) {
      detected.add(String.valueOf(SamTemplate.list(template.properties(id).get("LogGroupArnList"))));
    }
    assertThat(detected).anySatisfy(d -> assertThat(d).contains("${EdgeLogGroup}"))
        .anySatisfy(d -> assertThat(d).contains("${AuthorizerLogGroup}"));
    for (String alarm : watched.alarms) {
      Map<String, Object> p = template.properties(alarm);
      boolean band = String.valueOf(p.get("Metrics")).contains("ANOMALY_DETECTION_BAND");
      assertThat(band).as(alarm + ": a band alarm has ThresholdMetricId, a fixed one Threshold")
          .isEqualTo(p.containsKey("ThresholdMetricId")).isNotEqualTo(p.containsKey("Threshold"));
    }
    assertThat(template.properties("RotationStaleAlarm")).containsEntry("Threshold", 35)
        .containsEntry("MetricName", "CurrentKeyAgeDays");
    assertThat(template.properties("RotationDeadLetterAlarm")).containsEntry("Threshold", 0)
        .containsEntry("MetricName", "ApproximateNumberOfMessagesVisible");
  }

  @Test
  @DisplayName("the functions' output was read (guards the guard)")
  void outputRead() throws Exception {
    assertThat(emitted.metrics).hasSizeGreaterThan(10);
    assertThat(Files.size(stack.logDir().resolve("AuthorizerFunction.log"))).isPositive();
  }
}
