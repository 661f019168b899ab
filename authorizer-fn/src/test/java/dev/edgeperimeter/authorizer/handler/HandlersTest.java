package dev.edgeperimeter.authorizer.handler;

import static dev.edgeperimeter.authorizer.support.HandlerFixture.SAMPLE_TIME;
import static dev.edgeperimeter.authorizer.support.HandlerFixture.event;
import static dev.edgeperimeter.authorizer.support.HandlerFixture.invoke;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgeperimeter.authorizer.HttpApiAuthorizerHandler;
import dev.edgeperimeter.authorizer.RestRequestAuthorizerHandler;
import dev.edgeperimeter.authorizer.RestTokenAuthorizerHandler;
import dev.edgeperimeter.authorizer.pipeline.AuthorizerPipeline;
import dev.edgeperimeter.authorizer.support.HandlerFixture;
import dev.edgeperimeter.authorizer.support.Minter;
import dev.edgeperimeter.authorizer.support.Sink;
import dev.edgeperimeter.shared.config.ConfigException;
import dev.edgeperimeter.testsupport.MotoExtension;
import dev.edgeperimeter.testsupport.MotoServer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@ExtendWith(MotoExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("Handlers: REST TOKEN, REST REQUEST, HTTP API 2.0 (simple and iam), on the sample events")
class HandlersTest {
  private HandlerFixture fixture;
  private Sink sink;

  @BeforeAll
  void setUp(MotoServer server) {
    fixture = new HandlerFixture(server);
  }

  @BeforeEach
  void listen() {
    sink = new Sink();
  }

  private AuthorizerPipeline edge(long now) {
    return fixture.pipeline(now, Map.of());
  }

  private AuthorizerPipeline edge(long now, Map<String, String> env) {
    return fixture.pipeline(now, env);
  }

  @Test
  void restTokenSampleIsAllowedWithAPolicyForAllRoutes() throws Exception {
    JsonNode r = invoke(new RestTokenAuthorizerHandler(edge(SAMPLE_TIME)), event("rest-token.json"));
    assertThat(r.get("principalId").asText()).isEqualTo("akamai-edgeworker:1234567");
    assertThat(r.at("/policyDocument/Version").asText()).isEqualTo("2012-10-17");
    assertThat(r.at("/policyDocument/Statement/0/Effect").asText()).isEqualTo("Allow");
    assertThat(r.at("/policyDocument/Statement/0/Action").asText()).isEqualTo("execute-api:Invoke");
    assertThat(r.at("/policyDocument/Statement/0/Resource/0").asText())
        .isEqualTo("arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/*/*");
    assertThat(r.at("/context/kid").asText()).isEqualTo(HandlerFixture.SAMPLE_KID);
    assertThat(r.at("/context/jti").asText()).isEqualTo("sample-0001");
  }

  @Test
  void restRequestSampleIsAllowedWithSubAsPrincipal() throws Exception {
    JsonNode r = invoke(new RestRequestAuthorizerHandler(edge(SAMPLE_TIME)), event("rest-request.json"));
    assertThat(r.get("principalId").asText()).isEqualTo("7c1f3e4a-1b2c-4d5e-8f90-a1b2c3d4e5f6");
    assertThat(r.at("/context/scope").asText()).isEqualTo("orders:read");
    assertThat(r.at("/context/edgeIssuer").asText()).isEqualTo("akamai-edgeworker:1234567");
    r.get("context").properties().forEach(e -> assertThat(e.getValue().isTextual()).as(e.getKey()).isTrue());
  }

  @Test
  void httpApiSampleIsAuthorizedWithTheSimpleResponse() throws Exception {
    JsonNode r = invoke(new HttpApiAuthorizerHandler(edge(SAMPLE_TIME)), event("http-api-v2.json"));
    assertThat(r.get("isAuthorized").asBoolean()).isTrue();
    assertThat(r.at("/context/sub").asText()).isEqualTo("7c1f3e4a-1b2c-4d5e-8f90-a1b2c3d4e5f6");
  }

  @Test
  void httpApiIamResponse() throws Exception {
    AuthorizerPipeline iam = edge(SAMPLE_TIME, Map.of("HTTP_API_RESPONSE", "iam"));
    JsonNode r = invoke(new HttpApiAuthorizerHandler(iam), event("http-api-v2.json"));
    assertThat(r.at("/policyDocument/Statement/0/Resource/0").asText())
        .isEqualTo("arn:aws:execute-api:us-east-1:123456789012:f6g7h8i9j0/$default/*/*");
    AuthorizerPipeline iamLater = edge(SAMPLE_TIME + 3600, Map.of("HTTP_API_RESPONSE", "iam"));
    assertThatThrownBy(() -> invoke(new HttpApiAuthorizerHandler(iamLater), event("http-api-v2.json")))
        .isExactlyInstanceOf(RuntimeException.class).hasMessage("Unauthorized");
  }

  @Test
  void theSampleAssertionsAreExpiredAtAnyRealTime() throws Exception {
    long now = java.time.Instant.now().getEpochSecond();
    assertThatThrownBy(() -> invoke(new RestTokenAuthorizerHandler(edge(now)), event("rest-token.json")))
        .hasMessage("Unauthorized");
    sink.clear();
    assertThatThrownBy(() -> invoke(new RestRequestAuthorizerHandler(edge(now)), event("rest-request.json")))
        .hasMessage("Unauthorized");
    assertThat(sink.logs().get(0).get("reason").asText()).isEqualTo("expired");
    JsonNode simple = invoke(new HttpApiAuthorizerHandler(edge(now)), event("http-api-v2.json"));
    assertThat(simple.toString()).isEqualTo("{\"isAuthorized\":false}");
  }

  @ParameterizedTest(name = "{0} handler given {1}")
  @CsvSource({"token,rest-request.json", "token,http-api-v2.json", "request,rest-token.json", "request,http-api-v2.json",
      "http,rest-token.json", "http,rest-request.json"})
  void aHandlerGivenAnotherShapeAnswersUnauthorized(String kind, String file) throws Exception {
    AuthorizerPipeline runtime = edge(SAMPLE_TIME);
    RequestStreamHandler handler = switch (kind) {
      case "token" -> new RestTokenAuthorizerHandler(runtime);
      case "request" -> new RestRequestAuthorizerHandler(runtime);
      default -> new HttpApiAuthorizerHandler(runtime);
    };
    sink.clear();
    if (kind.equals("http")) {
      assertThat(invoke(handler, event(file)).get("isAuthorized").asBoolean()).isFalse();
    } else {
      assertThatThrownBy(() -> invoke(handler, event(file))).isExactlyInstanceOf(RuntimeException.class)
          .hasMessage("Unauthorized");
    }
    assertThat(sink.logs().get(0).get("reason").asText()).isEqualTo("malformed");
  }

  @Test
  void tokenHandlerRefusesEdgeJwtModeAtStartUp() {
    AuthorizerPipeline jwt = edge(SAMPLE_TIME, Map.of("AUTH_MODE", "edge+jwt", "OIDC_ISSUER", "https://issuer.example",
        "OIDC_AUDIENCE", "client"));
    assertThatThrownBy(() -> new RestTokenAuthorizerHandler(jwt)).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("AUTH_MODE must be 'edge'");
  }

  @Test
  void httpApiOnANamedStageStripsTheStageFromRawPath() throws Exception {
    ObjectNode ev = (ObjectNode) Minter.JSON.readTree(event("http-api-v2.json"));
    ev.put("rawPath", "/prod/orders/42");
    ((ObjectNode) ev.get("requestContext")).put("stage", "prod");
    ((ObjectNode) ev.get("requestContext").get("http")).put("path", "/prod/orders/42");
    JsonNode r = invoke(new HttpApiAuthorizerHandler(edge(SAMPLE_TIME)), Minter.JSON.writeValueAsBytes(ev));
    assertThat(r.get("isAuthorized").asBoolean()).isTrue();
    ev.put("rawPath", "/prod/orders/42/");
    assertThat(invoke(new HttpApiAuthorizerHandler(edge(SAMPLE_TIME)), Minter.JSON.writeValueAsBytes(ev))
        .get("isAuthorized").asBoolean()).isFalse();
  }

  @Test
  void headerNamesAreCaseInsensitiveButDuplicatesAreMalformed() throws Exception {
    ObjectNode ev = (ObjectNode) Minter.JSON.readTree(event("rest-request.json"));
    ObjectNode headers = (ObjectNode) ev.get("headers");
    String assertion = headers.remove("X-Edge-Assertion").asText();
    headers.put("x-EDGE-assertion", assertion);
    ev.remove("multiValueHeaders");
    assertThat(invoke(new RestRequestAuthorizerHandler(edge(SAMPLE_TIME)), Minter.JSON.writeValueAsBytes(ev))
        .at("/policyDocument/Statement/0/Effect").asText()).isEqualTo("Allow");
    headers.put("X-Edge-Assertion", assertion);
    sink.clear();
    assertThatThrownBy(() -> invoke(new RestRequestAuthorizerHandler(edge(SAMPLE_TIME)), Minter.JSON.writeValueAsBytes(ev)))
        .hasMessage("Unauthorized");
    assertThat(sink.logs().get(0).get("reason").asText()).isEqualTo("malformed");
  }

  @Test
  void multiValueHeaderWithTwoAssertionsIsMalformed() throws Exception {
    ObjectNode ev = (ObjectNode) Minter.JSON.readTree(event("rest-request.json"));
    ((com.fasterxml.jackson.databind.node.ArrayNode) ev.get("multiValueHeaders").get("X-Edge-Assertion")).add("second");
    assertThatThrownBy(() -> invoke(new RestRequestAuthorizerHandler(edge(SAMPLE_TIME)), Minter.JSON.writeValueAsBytes(ev)))
        .hasMessage("Unauthorized");
  }

  @Test
  void everyDecisionIsOneLogLineAndOneEmfDocument() throws Exception {
    sink.clear();
    AuthorizerPipeline runtime = edge(SAMPLE_TIME);
    invoke(new RestRequestAuthorizerHandler(runtime), event("rest-request.json"));
    assertThat(sink.logs()).hasSize(1);
    assertThat(sink.emf()).hasSize(1);
    JsonNode log = sink.logs().get(0);
    assertThat(log.get("level").asText()).isEqualTo("INFO");
    assertThat(log.get("message").asText()).isEqualTo("authorizer decision");
    assertThat(log.get("service").asText()).isEqualTo("authorizer");
    assertThat(log.get("function_request_id").asText()).isEqualTo("req-1");
    assertThat(log.get("cold_start").isBoolean()).as("Powertools' cold start key (true once per JVM)").isTrue();
    assertThat(log.get("decision").asText()).isEqualTo("Allow");
    assertThat(log.get("reason").asText()).isEqualTo("ok");
    assertThat(log.get("kid").asText()).isEqualTo(HandlerFixture.SAMPLE_KID);
    assertThat(log.get("jti").asText()).isEqualTo("sample-0001");
    assertThat(log.get("latencyMicros").isIntegralNumber()).isTrue();
    assertThat(log.get("timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
    String all = String.join("\n", sink.lines());
    String assertion = Minter.JSON.readTree(event("rest-request.json")).at("/headers/X-Edge-Assertion").asText();
    assertThat(all).doesNotContain(assertion).doesNotContain(assertion.split("\\.")[2]).doesNotContain("Bearer");

    sink.clear();
    invoke(new RestRequestAuthorizerHandler(runtime), event("rest-request.json"));
    assertThat(sink.logs().get(0).get("cold_start").asBoolean()).isFalse();
  }

  @Test
  void emfFollowsTheEmbeddedMetricFormat() throws Exception {
    sink.clear();
    AuthorizerPipeline runtime = edge(SAMPLE_TIME, Map.of("POWERTOOLS_METRICS_NAMESPACE", "EdgeTest"));
    assertThatThrownBy(() -> new RestTokenAuthorizerHandler(runtime).handleRequest(
        new java.io.ByteArrayInputStream("{\"type\":\"TOKEN\",\"authorizationToken\":\"x.y.z\",\"methodArn\":\"arn:aws:execute-api:us-east-1:1:a/prod/GET/x\"}"
            .getBytes(StandardCharsets.UTF_8)), new java.io.ByteArrayOutputStream(), null)).hasMessage("Unauthorized");
    JsonNode emf = sink.emf().get(0);
    assertThat(emf.at("/_aws/Timestamp").isIntegralNumber()).as("milliseconds since the epoch").isTrue();
    JsonNode directive = emf.at("/_aws/CloudWatchMetrics/0");
    assertThat(directive.get("Namespace").asText()).isEqualTo("EdgeTest");
    assertThat(dimensionNames(directive)).containsExactlyInAnyOrder("service", "Reason");
    assertThat(directive.get("Metrics").get(0).toString()).isEqualTo("{\"Name\":\"Unauthorized\",\"Unit\":\"Count\"}");
    assertThat(emf.get("service").asText()).isEqualTo("authorizer");
    assertThat(emf.get("Reason").asText()).isEqualTo("malformed");
    assertThat(emf.get("Unauthorized").asInt()).isEqualTo(1);
    // every dimension and metric the directive names is a top-level member
    dimensionNames(directive).forEach(d -> assertThat(emf.has(d)).as(d).isTrue());
    directive.get("Metrics").forEach(m -> assertThat(emf.get(m.get("Name").asText()).isNumber()).isTrue());
  }

  private static java.util.Set<String> dimensionNames(JsonNode directive) {
    java.util.Set<String> names = new java.util.HashSet<>();
    directive.get("Dimensions").forEach(set -> set.forEach(d -> names.add(d.asText())));
    return names;
  }

  @Test
  void scopeDeniedIsAnExplicitDenyPolicy() throws Exception {
    AuthorizerPipeline runtime = fixture.pipeline(SAMPLE_TIME, Map.of(),
        dev.edgeperimeter.authorizer.support.Tables.of("GET /orders/* any=orders:admin", "GET /health any=orders:read"));
    JsonNode r = invoke(new RestRequestAuthorizerHandler(runtime), event("rest-request.json"));
    JsonNode statements = r.at("/policyDocument/Statement");
    assertThat(statements).hasSize(2);
    assertThat(statements.get(0).get("Effect").asText()).isEqualTo("Allow");
    assertThat(statements.get(0).at("/Resource/0").asText()).endsWith("/prod/GET/health");
    assertThat(statements.get(1).get("Effect").asText()).isEqualTo("Deny");
    assertThat(statements.get(1).at("/Resource/0").asText()).endsWith("/prod/GET/orders/42");
    JsonNode simple = invoke(new HttpApiAuthorizerHandler(runtime), event("http-api-v2.json"));
    assertThat(simple.get("isAuthorized").asBoolean()).isFalse();
  }
}
