package dev.edgeperimeter.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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
 * artifact in a fresh JVM, the template's handler and environment, Lambda's serialization) against
 * moto, in the order an operator would use them.
 */
@ExtendWith(MotoExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SampleEventsInvokeTest {
  private static final Path PROJECT = SamTemplate.locate().getParent();
  private static final Path EVENTS = PROJECT.resolve("events");
  private static final String TOKEN_HANDLER = "dev.edgeperimeter.authorizer.RestTokenAuthorizerHandler::handleRequest";
  private static final String HTTP_API_HANDLER = "dev.edgeperimeter.authorizer.HttpApiAuthorizerHandler::handleRequest";

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

  @Test
  @Order(1)
  @DisplayName("key-rotation: bootstrap, status, scheduled and operator rotations, revoke, malformed")
  void keyRotationEvents() throws Exception {
    LocalInvoke.Result status = invoke("KeyRotationFunction", event("key-rotation", "status.json"), Map.of());
    assertThat(status.exitCode()).as(status.logs()).isZero();

    LocalInvoke.Result bootstrap = invoke("KeyRotationFunction", event("key-rotation", "bootstrap.json"), Map.of());
    assertThat(bootstrap.exitCode()).as(bootstrap.logs()).isZero();
    assertThat(bootstrap.response()).contains("CURRENT");

    for (String name : List.of("status.json", "status-daily-check.json", "rotate.json", "rotate-schedule-input.json",
        "scheduled-monthly.json", "rotate-force.json")) {
      LocalInvoke.Result r = invoke("KeyRotationFunction", event("key-rotation", name), Map.of());
      assertThat(r.exitCode()).as(name + ": " + r.response() + "\n" + r.logs()).isZero();
      assertThat(r.response()).as(name).doesNotContain("material");
    }

    LocalInvoke.Result revokeUnknown = invoke("KeyRotationFunction", event("key-rotation", "revoke.json"), Map.of());
    assertThat(revokeUnknown.exitCode()).as("revoke of an unknown kid is refused").isEqualTo(1);
    assertThat(revokeUnknown.response()).contains("2026-11.k7QxZr0aB1cD");

    LocalInvoke.Result malformed = invoke("KeyRotationFunction", event("key-rotation", "malformed-unknown-field.json"), Map.of());
    assertThat(malformed.exitCode()).isEqualTo(1);
    assertThat(malformed.response()).contains("froce");
  }

  @Test
  @Order(2)
  @DisplayName("authorizer: fresh REST REQUEST, TOKEN and HTTP API events are allowed; the committed (expired) ones are 401")
  void authorizerEvents() throws Exception {
    Path fresh = scratch.resolve("fresh");
    List<Path> written = new FreshEvents(clients, Clock.systemUTC())
        .write(EVENTS.resolve("authorizer"), FreshEvents.Options.defaults(SamTemplate.load(), fresh));
    assertThat(written).extracting(p -> p.getFileName().toString())
        .containsExactlyInAnyOrder("http-api-v2.json", "rest-request.json", "rest-token.json");
    Map<String, String> edgeMode = Map.of("AuthMode", "edge");
    for (Path event : written) {
      String handler = handlerFor(event);
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

  private static String handlerFor(Path event) throws Exception {
    JsonNode e = FreshEvents.MAPPER.readTree(event.toFile());
    if ("TOKEN".equals(e.path("type").asText())) {
      return TOKEN_HANDLER;
    }
    return "2.0".equals(e.path("version").asText()) ? HTTP_API_HANDLER : null;
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
}
