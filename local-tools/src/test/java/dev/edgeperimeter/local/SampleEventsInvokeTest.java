package dev.edgeperimeter.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.edgeperimeter.local.runtime.JavaSandbox;
import dev.edgeperimeter.shared.aws.AwsClients;
import dev.edgeperimeter.testsupport.MotoExtension;
import dev.edgeperimeter.testsupport.MotoServer;
import dev.edgeperimeter.testsupport.SamTemplate;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;

/**
 * Every file in {@code events/} runs through the local-invoke path ({@link LocalInvoke}: the built
 * artifact, the template's handler and environment, Lambda's own Java runtime client behind the
 * local Runtime API) against moto, in the order an operator would use them. The key-rotation
 * sequence after the first invocation runs in one warm environment, as consecutive invokes of a
 * warm Lambda do (a fresh JVM each would only repeat the cold start); every other sample gets a
 * fresh one.
 */
@ExtendWith(MotoExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SampleEventsInvokeTest {
  private static final Path PROJECT = SamTemplate.locate().getParent();
  private static final Path EVENTS = PROJECT.resolve("events");

  private final MotoServer moto;
  private final AwsClients clients;
  private final LocalInvoke invoker = LocalInvoke.forProject();
  private Map<String, String> processEnv;

  @TempDir
  Path scratch;

  SampleEventsInvokeTest(MotoServer moto) {
    this.moto = moto;
    this.clients = moto.clients();
  }

  @BeforeAll
  void createResources() {
    moto.reset();
    LocalResources.create(SamTemplate.load(), clients);
    processEnv = new HashMap<>(moto.environment());
    processEnv.put("PATH", System.getenv("PATH"));
  }

  private LocalInvoke.Result invoke(String logicalId, Path event, Map<String, String> parameters) throws Exception {
    return invoker.invoke(new LocalInvoke.Request(logicalId, event,
        Map.of("KeyRotationFunction", Map.of("EDGE_PUBLISHER", "none")), parameters, processEnv));
  }

  private static Path event(String dir, String name) {
    return EVENTS.resolve(dir).resolve(name);
  }

  /** One invocation in a warm environment: exit code as local-invoke gives it (1 when the function raised). */
  private LocalInvoke.Result invoke(JavaSandbox environment, Path log, Path event) throws Exception {
    var outcome = environment.invoke(java.nio.file.Files.readAllBytes(event), java.time.Duration.ofSeconds(30),
        java.time.Duration.ofSeconds(60));
    return new LocalInvoke.Result(outcome.failed() ? 1 : 0, outcome.text(), java.nio.file.Files.readString(log));
  }

  @Test
  @Order(1)
  @DisplayName("key-rotation: bootstrap, status, scheduled and operator rotations, revoke, malformed")
  void keyRotationEvents() throws Exception {
    LocalInvoke.Result status = invoke("KeyRotationFunction", event("key-rotation", "status.json"), Map.of());
    assertThat(status.exitCode()).as(status.logs()).isZero();

    Path log = scratch.resolve("key-rotation.log");
    LocalInvoke.Request request = new LocalInvoke.Request("KeyRotationFunction", null,
        Map.of("KeyRotationFunction", Map.of("EDGE_PUBLISHER", "none")), Map.of(), processEnv);
    try (JavaSandbox warm = JavaSandbox.start(invoker.sandboxOptions(request, log.toFile(), false),
        LocalInvoke.functionArn("KeyRotationFunction"))) {
      keyRotationSequence(warm, log);
    }
  }

  private void keyRotationSequence(JavaSandbox warm, Path log) throws Exception {
    LocalInvoke.Result bootstrap = invoke(warm, log, event("key-rotation", "bootstrap.json"));
    assertThat(bootstrap.exitCode()).as(bootstrap.logs()).isZero();
    assertThat(bootstrap.response()).contains("CURRENT");

    for (String name : List.of("status.json", "status-daily-check.json", "rotate.json", "rotate-schedule-input.json",
        "scheduled-monthly.json", "rotate-force.json")) {
      LocalInvoke.Result r = invoke(warm, log, event("key-rotation", name));
      assertThat(r.exitCode()).as(name + ": " + r.response() + "\n" + r.logs()).isZero();
      assertThat(r.response()).as(name).doesNotContain("material");
    }

    LocalInvoke.Result revokeUnknown = invoke(warm, log, event("key-rotation", "revoke.json"));
    assertThat(revokeUnknown.exitCode()).as("revoke of an unknown kid is refused").isEqualTo(1);
    assertThat(revokeUnknown.response()).contains("2026-11.k7QxZr0aB1cD");

    LocalInvoke.Result malformed = invoke(warm, log, event("key-rotation", "malformed-unknown-field.json"));
    assertThat(malformed.exitCode()).isEqualTo(1);
    assertThat(malformed.response()).contains("froce");
  }

  @Test
  @Order(2)
  @DisplayName("authorizer: fresh REST REQUEST, TOKEN and HTTP API events are allowed; the committed (expired) ones are 401")
  void authorizerEvents() throws Exception {
    Path fresh = scratch.resolve("authorizer"); // the folder name events/events.json maps, as target/fresh-events/authorizer
    List<Path> written = new FreshEvents(clients, Clock.systemUTC())
        .write(EVENTS.resolve("authorizer"), FreshEvents.Options.defaults(SamTemplate.load(), fresh));
    assertThat(written).extracting(p -> p.getFileName().toString())
        .containsExactlyInAnyOrder("http-api-v2.json", "rest-request.json", "rest-token.json");
    SampleEvents samples = SampleEvents.load(PROJECT);
    for (Path event : written) {
      // the handler and parameters events/events.json names for the sample, as bin/local-invoke follows them
      SampleEvents.Mapping mapping = samples.of(event).orElseThrow();
      assertThat(mapping.function()).isEqualTo("AuthorizerFunction");
      String handler = mapping.handler().orElse(null);
      Map<String, String> edgeMode = new HashMap<>(Map.of("AuthMode", "edge"));
      edgeMode.putAll(mapping.parameterOverrides());
      LocalInvoke.Result allowed = invoker.invoke(new LocalInvoke.Request("AuthorizerFunction", event,
          Map.of(), edgeMode, processEnv, handler));
      assertThat(allowed.exitCode()).as(event + ": " + allowed.response() + "\n" + allowed.logs()).isZero();
      JsonNode response = FreshEvents.MAPPER.readTree(allowed.response());
      String why = event + ": " + allowed.response() + "\n" + allowed.logs();
      if (response.has("isAuthorized")) {
        assertThat(response.get("isAuthorized").asBoolean()).as(why).isTrue();
      } else {
        assertThat(response.at("/policyDocument/Statement/0/Effect").asText()).as(why).isEqualTo("Allow");
        assertThat(response.at("/context/kid").asText()).isNotEmpty();
      }

      Path stale = EVENTS.resolve("authorizer").resolve(event.getFileName());
      LocalInvoke.Result rejected = invoker.invoke(new LocalInvoke.Request("AuthorizerFunction", stale,
          Map.of(), edgeMode, processEnv, handler));
      if (rejected.exitCode() == 0) {
        assertThat(FreshEvents.MAPPER.readTree(rejected.response()).path("isAuthorized").asBoolean(true))
            .as(stale + " " + rejected.response()).isFalse();
      } else {
        assertThat(rejected.response()).as(stale.toString()).contains("\"errorMessage\":\"Unauthorized\"");
      }
    }
  }

  @Test
  @Order(3)
  @DisplayName("log-ingest: fresh EdgeWorker batch, DataStream 2 lines and gzip are stored (200) and land in CloudWatch Logs")
  void logIngestEvents() throws Exception {
    List<Path> fresh = new FreshEvents(clients, Clock.systemUTC())
        .writeLogIngest(EVENTS.resolve("log-ingest"), scratch.resolve("log-ingest"));
    assertThat(fresh).hasSize(3);
    for (Path event : fresh) {
      LocalInvoke.Result r = invoke("LogIngestFunction", event, Map.of());
      assertThat(r.exitCode()).as(event + ": " + r.logs()).isZero();
      JsonNode response = FreshEvents.MAPPER.readTree(r.response());
      assertThat(response.path("statusCode").asInt()).as(event + ": " + r.response()).isEqualTo(200);
      assertThat(response.path("body").asText()).as(event + ": nothing rejected").contains("\"rejected\":[]");
    }
    try (CloudWatchLogsClient logs = clients.configure(CloudWatchLogsClient.builder())
        .httpClient(clients.httpClient()).build()) {
      assertThat(logs.filterLogEvents(r -> r.logGroupName(LocalNames.edgeLogGroup())).events()).isNotEmpty();
    }
  }

  @Test
  @Order(4)
  @DisplayName("events/events.json maps every sample to a function of the template and a handler class of its artifact")
  void everySampleIsMapped() throws Exception {
    SampleEvents samples = SampleEvents.load(PROJECT);
    SamTemplate template = SamTemplate.load();
    try (var files = java.nio.file.Files.walk(EVENTS)) {
      for (Path event : files.filter(f -> f.toString().endsWith(".json") && !f.getFileName().toString()
          .equals("events.json")).toList()) {
        SampleEvents.Mapping m = samples.of(event).orElseThrow(() -> new AssertionError(event + " is not in events/events.json"));
        assertThat(template.type(m.function())).as(event.toString()).isEqualTo("AWS::Serverless::Function");
        String handler = m.handler().orElse(invoker.handler(m.function()));
        Path layout = FunctionArtifact.layout(PROJECT, m.function());
        // Lambda's Handler: the class, or Class::method
        String classFile = handler.split("::", 2)[0].replace('.', '/') + ".class";
        assertThat(layout.resolve(classFile)).as(event + ": handler " + handler).isRegularFile();
      }
    }
  }

  @Test
  @Order(5)
  @DisplayName("errors come back as Lambda's Java runtime reports them: an init failure names the variable, a function error carries its stackTrace")
  void errorsAsLambdaReportsThem() throws Exception {
    LocalInvoke.Result init = invoker.invoke(new LocalInvoke.Request("KeyRotationFunction",
        event("key-rotation", "status.json"), Map.of(), Map.of("KeyLifetimeDays", "1"), processEnv));
    assertThat(init.exitCode()).isEqualTo(1);
    JsonNode initError = FreshEvents.MAPPER.readTree(init.response());
    assertThat(initError.path("errorType").asText()).isEqualTo("dev.edgeperimeter.shared.config.ConfigException");
    assertThat(initError.path("errorMessage").asText()).startsWith("KEY_LIFETIME_DAYS ");

    LocalInvoke.Result ingestInit = invoker.invoke(new LocalInvoke.Request("LogIngestFunction",
        event("log-ingest", "edgeworker-batch.json"), Map.of("LogIngestFunction", Map.of("LOG_GROUP_NAME", "")),
        Map.of(), processEnv));
    assertThat(ingestInit.exitCode()).isEqualTo(1);
    assertThat(FreshEvents.MAPPER.readTree(ingestInit.response()).path("errorMessage").asText())
        .as(ingestInit.response()).contains("LOG_GROUP_NAME");

    LocalInvoke.Result unauthorized = invoker.invoke(new LocalInvoke.Request("AuthorizerFunction",
        EVENTS.resolve("authorizer/rest-request.json"), Map.of(), Map.of("AuthMode", "edge"), processEnv));
    JsonNode error = FreshEvents.MAPPER.readTree(unauthorized.response());
    assertThat(error.path("errorMessage").asText()).isEqualTo("Unauthorized");
    assertThat(error.path("stackTrace").isArray()).as(unauthorized.response()).isTrue();
    assertThat(error.path("stackTrace")).isNotEmpty();
  }
}
