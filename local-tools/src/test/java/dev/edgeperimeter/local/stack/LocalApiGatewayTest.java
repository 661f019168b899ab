package dev.edgeperimeter.local.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.edgeperimeter.local.LocalNames;
import dev.edgeperimeter.testsupport.SamTemplate;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local gateway plays the template's EdgeApi as API Gateway REST would, with small Java
 * stand-ins for the authorizer and the log-ingest function, and the template's own inline Node.js
 * backend.
 */
class LocalApiGatewayTest {
  private static final SamTemplate TEMPLATE = SamTemplate.load();

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final List<JsonNode> authorizerEvents = new CopyOnWriteArrayList<>();
  private final List<JsonNode> ingestEvents = new CopyOnWriteArrayList<>();
  private FramedProcessFunction backend;
  private LocalApiGateway gateway;

  /** Decides by the assertion header's value: allow, allow-other, deny, unauthorized, boom, bad-context. */
  private FunctionInvoker.Invocation fakeAuthorizer(byte[] eventBytes) {
    JsonNode event = read(eventBytes);
    authorizerEvents.add(event);
    String assertion = event.path("headers").path("X-Edge-Assertion").asText();
    String arnBase = "arn:aws:execute-api:us-east-1:123456789012:*/prod/";
    return switch (assertion.split("\\.")[0]) {
      case "unauthorized" -> FunctionInvoker.Invocation.failed("Unauthorized", "java.lang.RuntimeException");
      case "boom" -> FunctionInvoker.Invocation.failed("key store unreachable", "java.lang.IllegalStateException");
      case "deny" -> FunctionInvoker.Invocation.ok(policy("user-1", "Deny", event.path("methodArn").asText(), "{}"));
      case "allow-logs" -> FunctionInvoker.Invocation.ok(policy("user-1", "Allow", arnBase + "POST/edge/logs", "{}"));
      case "allow-other" -> FunctionInvoker.Invocation.ok(policy("user-1", "Allow", arnBase + "DELETE/*", "{}"));
      case "bad-context" -> FunctionInvoker.Invocation.ok(policy("user-1", "Allow", arnBase + "*",
          "{\"nested\":{\"a\":1}}"));
      default -> FunctionInvoker.Invocation.ok(policy("user-1", "Allow", arnBase + "GET/orders/??", 
          "{\"sub\":\"user-1\",\"scope\":\"orders:read\",\"kid\":\"k1\",\"jti\":\"j1\",\"edgeIssuer\":\"akamai-edgeworker:1\"}"));
    };
  }

  private static String policy(String principal, String effect, String resource, String context) {
    return "{\"principalId\":\"" + principal + "\",\"policyDocument\":{\"Version\":\"2012-10-17\",\"Statement\":"
        + "[{\"Action\":\"execute-api:Invoke\",\"Effect\":\"" + effect + "\",\"Resource\":[\"" + resource + "\"]}]},"
        + "\"context\":" + context + "}";
  }

  private static JsonNode read(byte[] bytes) {
    try {
      return Json.MAPPER.readTree(bytes);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @BeforeEach
  void start(@TempDir Path dir) throws Exception {
    SamTemplate.Resolver resolver = TEMPLATE.resolver(Map.of(), LocalNames.physicalNames(TEMPLATE));
    RestApiDefinition api = RestApiDefinition.read(TEMPLATE, "EdgeApi", resolver);
    Map<String, Object> backendProps = TEMPLATE.properties("ExampleBackendFunction");
    backend = NodeInlineFunction.create("ExampleBackendFunction", (String) backendProps.get("InlineCode"),
        (String) backendProps.get("Handler"), Map.of(), Duration.ofSeconds(5), dir.resolve("backend"),
        dir.resolve("backend.log"));
    FunctionInvoker ingest = event -> {
      ingestEvents.add(read(event));
      return FunctionInvoker.Invocation.ok("{\"statusCode\":200,\"headers\":{\"Content-Type\":\"application/json\"},"
          + "\"body\":\"{\\\"accepted\\\":1,\\\"rejected\\\":[]}\"}");
    };
    gateway = new LocalApiGateway(api, Map.of(
        "AuthorizerFunction", this::fakeAuthorizer,
        "ExampleBackendFunction", backend,
        "LogIngestFunction", ingest), LocalApiGateway.Options.defaults()).start();
  }

  @AfterEach
  void stop() {
    gateway.close();
    backend.close();
  }

  private HttpResponse<String> send(String method, String path, String assertion, String contentType, byte[] body)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    if (assertion != null) {
      b.header("X-Edge-Assertion", assertion);
    }
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  @DisplayName("routes, stage, identity source and binary media types come from template.yaml")
  void readsTheTemplate() {
    RestApiDefinition api = gateway.api();
    assertThat(api.stageName()).isEqualTo("prod");
    assertThat(api.routes()).extracting(r -> r.method() + " " + r.resourcePath() + " -> " + r.functionLogicalId())
        .containsExactlyInAnyOrder("POST /edge/logs -> LogIngestFunction", "GET /orders/{id} -> ExampleBackendFunction",
            "POST /orders -> ExampleBackendFunction");
    assertThat(api.authorizer()).get().satisfies(a -> {
      assertThat(a.functionLogicalId()).isEqualTo("AuthorizerFunction");
      assertThat(a.identityHeaders()).containsExactly("X-Edge-Assertion");
      assertThat(a.identityContext()).containsExactly("httpMethod", "path");
      assertThat(a.cacheTtlSeconds()).isZero();
    });
    assertThat(api.binaryMediaTypes()).contains("application/gzip", "application/octet-stream");
  }

  @Test
  @DisplayName("a request without the identity header gets 401 and the authorizer is not invoked")
  void missingIdentity() throws Exception {
    HttpResponse<String> r = send("GET", "/prod/orders/42", null, null, null);
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.body()).isEqualTo("{\"message\":\"Unauthorized\"}");
    assertThat(gateway.authorizerInvocations()).isZero();
  }

  @Test
  @DisplayName("the authorizer gets the REST REQUEST event with methodArn, path, headers and path parameters")
  void authorizerEvent() throws Exception {
    send("GET", "/prod/orders/42?x=1&x=2", "allow.a.b", null, null);
    JsonNode e = authorizerEvents.get(0);
    assertThat(e.path("type").asText()).isEqualTo("REQUEST");
    assertThat(e.path("methodArn").asText())
        .isEqualTo("arn:aws:execute-api:us-east-1:123456789012:" + gateway.apiId() + "/prod/GET/orders/42");
    assertThat(e.path("resource").asText()).isEqualTo("/orders/{id}");
    assertThat(e.path("path").asText()).isEqualTo("/orders/42");
    assertThat(e.path("httpMethod").asText()).isEqualTo("GET");
    assertThat(e.path("headers").path("X-Edge-Assertion").asText()).isEqualTo("allow.a.b");
    assertThat(e.path("pathParameters").path("id").asText()).isEqualTo("42");
    assertThat(e.path("queryStringParameters").path("x").asText()).isEqualTo("2");
    assertThat(e.path("multiValueQueryStringParameters").path("x")).hasSize(2);
    assertThat(e.path("requestContext").path("stage").asText()).isEqualTo("prod");
    assertThat(e.path("requestContext").path("identity").path("sourceIp").asText()).isEqualTo("127.0.0.1");
  }

  @Test
  @DisplayName("Allow matching the methodArn (wildcards * and ?) reaches the template's inline backend with the context")
  void allowReachesBackend() throws Exception {
    HttpResponse<String> r = send("GET", "/prod/orders/42", "allow.x.y", null, null);
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode body = Json.MAPPER.readTree(r.body());
    assertThat(body.path("ok").asBoolean()).isTrue();
    assertThat(body.path("path").asText()).isEqualTo("/orders/42");
    assertThat(body.path("authorizer").path("principalId").asText()).isEqualTo("user-1");
    assertThat(body.path("authorizer").path("edgeIssuer").asText()).isEqualTo("akamai-edgeworker:1");
    assertThat(r.headers().firstValue("x-amzn-RequestId")).isPresent();
  }

  @Test
  @DisplayName("an Allow that does not cover this methodArn is an implicit deny (403)")
  void allowForOtherResource() throws Exception {
    assertThat(send("GET", "/prod/orders/4242", "allow.x.y", null, null).statusCode()).isEqualTo(403);
    HttpResponse<String> r = send("GET", "/prod/orders/42", "allow-other", null, null);
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.body()).isEqualTo("{\"Message\":\"User is not authorized to access this resource\"}");
  }

  @Test
  @DisplayName("an explicit Deny gives 403 with API Gateway's message")
  void explicitDeny() throws Exception {
    HttpResponse<String> r = send("POST", "/prod/orders", "deny", "application/json", "{}".getBytes());
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.body()).isEqualTo("{\"Message\":\"User is not authorized to access this resource with an explicit deny\"}");
  }

  @Test
  @DisplayName("the authorizer's Unauthorized error gives 401; any other failure 500 {\"message\":null}")
  void authorizerErrors() throws Exception {
    assertThat(send("GET", "/prod/orders/42", "unauthorized", null, null).statusCode()).isEqualTo(401);
    HttpResponse<String> boom = send("GET", "/prod/orders/42", "boom", null, null);
    assertThat(boom.statusCode()).isEqualTo(500);
    assertThat(boom.body()).isEqualTo("{\"message\":null}");
    assertThat(send("GET", "/prod/orders/42", "bad-context", null, null).statusCode()).isEqualTo(500);
  }

  @Test
  @DisplayName("unknown routes and stages answer 403 like API Gateway")
  void unknownRoute() throws Exception {
    HttpResponse<String> r = send("GET", "/prod/nope", "allow", null, null);
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.body()).isEqualTo("{\"message\":\"Missing Authentication Token\"}");
    assertThat(send("DELETE", "/prod/orders/42", "allow", null, null).statusCode()).isEqualTo(403);
    assertThat(send("GET", "/beta/orders/42", "allow", null, null).statusCode()).isEqualTo(403);
  }

  @Test
  @DisplayName("with caching on, the result is reused for the same header+method+path only")
  void caching() throws Exception {
    gateway.authorizerCacheTtl(Duration.ofMinutes(5));
    assertThat(send("GET", "/prod/orders/42", "allow.same", null, null).statusCode()).isEqualTo(200);
    assertThat(send("GET", "/prod/orders/42", "allow.same", null, null).statusCode()).isEqualTo(200);
    assertThat(gateway.authorizerInvocations()).isEqualTo(1);
    assertThat(send("GET", "/prod/orders/43", "allow.same", null, null).statusCode()).isEqualTo(200);
    assertThat(gateway.authorizerInvocations()).isEqualTo(2);
  }

  @Test
  @DisplayName("a body of a binary media type reaches the function base64-encoded; JSON stays text")
  void binaryBody() throws Exception {
    byte[] gzip = {0x1f, (byte) 0x8b, 8, 0, 0, 0};
    assertThat(send("POST", "/prod/edge/logs", "allow-logs", "application/gzip", gzip).statusCode()).isEqualTo(200);
    assertThat(send("POST", "/prod/edge/logs", "allow-logs", "application/json", "{\"v\":1}".getBytes())
        .statusCode()).isEqualTo(200);
    assertThat(ingestEvents.get(0).path("isBase64Encoded").asBoolean()).isTrue();
    assertThat(java.util.Base64.getDecoder().decode(ingestEvents.get(0).path("body").asText())).isEqualTo(gzip);
    assertThat(ingestEvents.get(1).path("isBase64Encoded").asBoolean()).isFalse();
    assertThat(ingestEvents.get(1).path("body").asText()).isEqualTo("{\"v\":1}");
    assertThat(ingestEvents.get(1).path("requestContext").path("authorizer").path("principalId").asText())
        .isEqualTo("user-1");
  }

  @Test
  @DisplayName("IAM wildcards: * any run, ? exactly one character, resources case-sensitive")
  void wildcards() {
    assertThat(IamPolicy.matches("arn:*:execute-api:*/prod/GET/orders/*", "arn:aws:execute-api:x/prod/GET/orders/1/2", false)).isTrue();
    assertThat(IamPolicy.matches("a?c", "abc", false)).isTrue();
    assertThat(IamPolicy.matches("a?c", "ac", false)).isFalse();
    assertThat(IamPolicy.matches("*/GET/orders", "x/get/orders", false)).isFalse();
    assertThat(IamPolicy.matches("execute-api:*", "Execute-Api:Invoke", true)).isTrue();
  }
}
