package dev.edgeperimeter.local.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.edgeperimeter.shared.crypto.Base64Url;
import dev.edgeperimeter.shared.keys.KeyRecord;
import dev.edgeperimeter.shared.keys.KeyState;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The whole system through {@link LocalStack}: the real function zips, the unmodified EdgeWorker
 * as local edge, moto, the EdgeKV stand-in and the local gateway playing template.yaml. Ordered,
 * because rotation and revocation change the shared key set; revocation runs last.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalStackEndToEndTest {
  private static final Duration EVENTUALLY = Duration.ofSeconds(45);

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private LocalStack stack;
  private String token;

  @BeforeAll
  void start() throws Exception {
    stack = LocalStack.start(LocalStack.Options.defaults()
        .withParameterOverrides(Map.of("KeyCacheTtlSeconds", "1"))
        .withLogDir(Path.of("target", "local-stack-e2e").toAbsolutePath()));
    token = stack.userPool().accessToken();
  }

  @AfterAll
  void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  private HttpResponse<String> get(String url, Map<String, String> headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).GET();
    headers.forEach(b::header);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String url, String body, Map<String, String> headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(b::header);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private Map<String, String> bearer() {
    return Map.of("Authorization", "Bearer " + token);
  }

  private static JsonNode json(String text) throws Exception {
    return Json.MAPPER.readTree(text);
  }

  private static JsonNode jwtClaims(String jwt) throws Exception {
    return json(new String(Base64Url.decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8));
  }

  private KeyRecord key(KeyState state) {
    return stack.keys().stream().filter(k -> k.state() == state).findFirst()
        .orElseThrow(() -> new AssertionError("no " + state + " key in " + stack.keys()));
  }

  /** An edge assertion (contract section 2) signed here with {@code key}, for {@code method path}. */
  private String assertion(KeyRecord key, String method, String path) throws Exception {
    long now = System.currentTimeMillis() / 1000;
    String header = "{\"alg\":\"HS256\",\"typ\":\"edge+jwt\",\"kid\":\"" + key.kid() + "\"}";
    String ath = Base64Url.encode(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII)));
    String claims = "{\"iss\":\"" + LocalStack.EDGE_ISSUER + "\",\"aud\":\"" + stack.parameters().get("EdgeAudience")
        + "\",\"iat\":" + now + ",\"exp\":" + (now + 60) + ",\"jti\":\"" + UUID.randomUUID() + "\",\"htm\":\"" + method
        + "\",\"htu\":\"" + path + "\",\"ath\":\"" + ath + "\"}";
    String signingInput = Base64Url.encode(header.getBytes(StandardCharsets.UTF_8)) + "."
        + Base64Url.encode(claims.getBytes(StandardCharsets.UTF_8));
    Mac mac = Mac.getInstance("HmacSHA256");
    byte[] material = stack.keyMaterial(key);
    mac.init(new SecretKeySpec(material, "HmacSHA256"));
    return signingInput + "." + Base64Url.encode(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
  }

  private HttpResponse<String> straightToGateway(String path, String assertion) throws Exception {
    return get(stack.gatewayUrl() + path, Map.of("Authorization", "Bearer " + token, "X-Edge-Assertion", assertion));
  }

  private static void eventually(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + EVENTUALLY.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + EVENTUALLY + ": " + what);
      }
      Thread.sleep(250);
    }
  }

  @Test
  @Order(1)
  @DisplayName("a valid user token through the edge: 200, and the backend sees sub, scope, kid, jti, edgeIssuer")
  void validTokenThroughTheEdge() throws Exception {
    HttpResponse<String> r = get(stack.edgeUrl() + "/orders/42", bearer());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode body = json(r.body());
    JsonNode authorizer = body.path("authorizer");
    assertThat(body.path("path").asText()).isEqualTo("/orders/42");
    assertThat(authorizer.path("sub").asText()).isEqualTo(jwtClaims(token).path("sub").asText());
    assertThat(authorizer.path("principalId").asText()).isEqualTo(authorizer.path("sub").asText());
    assertThat(authorizer.path("scope").asText()).contains("aws.cognito.signin.user.admin");
    assertThat(authorizer.path("kid").asText()).isEqualTo(key(KeyState.CURRENT).kid());
    assertThat(authorizer.path("jti").asText()).isNotBlank();
    assertThat(authorizer.path("edgeIssuer").asText()).isEqualTo(LocalStack.EDGE_ISSUER);
  }

  @Test
  @Order(2)
  @DisplayName("the same token straight to the gateway, without or with a forged assertion: 401")
  void straightToTheGatewayIsUnauthorized() throws Exception {
    int before = stack.gateway().authorizerInvocations();
    HttpResponse<String> r = get(stack.gatewayUrl() + "/orders/42", bearer());
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.body()).isEqualTo("{\"message\":\"Unauthorized\"}");
    assertThat(stack.gateway().authorizerInvocations()).isEqualTo(before);
    HttpResponse<String> forged = straightToGateway("/orders/42",
        "eyJhbGciOiJIUzI1NiIsInR5cCI6ImVkZ2Urand0Iiwia2lkIjoieCJ9.e30.AAAA");
    assertThat(forged.statusCode()).isEqualTo(401);
  }

  @Test
  @Order(3)
  @DisplayName("route policy: with the scope 200; without it 403 scope_denied from the edge (the gateway never sees it); a forged assertion straight to the gateway 401")
  void routePolicyAtTheEdgeAndTheOrigin() throws Exception {
    HttpResponse<String> granted = get(stack.edgeUrl() + "/orders/42", bearer());
    assertThat(granted.statusCode()).as(granted.body()).isEqualTo(200);

    int gatewayRequests = stack.gateway().requests();
    HttpResponse<String> denied = post(stack.edgeUrl() + "/orders", "{}", bearer());
    assertThat(denied.statusCode()).as(denied.body()).isEqualTo(403);
    assertThat(json(denied.body()).path("reason").asText()).isEqualTo("scope_denied");
    assertThat(stack.gateway().requests()).as("refused at the edge: nothing reached the gateway").isEqualTo(gatewayRequests);

    HttpResponse<String> forged = post(stack.gatewayUrl() + "/orders", "{}", Map.of("Authorization", "Bearer " + token,
        "X-Edge-Assertion", "eyJhbGciOiJIUzI1NiIsInR5cCI6ImVkZ2Urand0Iiwia2lkIjoieCJ9.e30.AAAA"));
    assertThat(forged.statusCode()).isEqualTo(401);
  }

  @Test
  @Order(3)
  @DisplayName("path rule: an encoded slash or dot segment is 400 at the edge; signed straight to the gateway, 401")
  void pathRuleOnBothSides() throws Exception {
    int gatewayRequests = stack.gateway().requests();
    for (String path : new String[] {"/orders/1%2F..%2Fadmin", "/orders/%2e%2e/admin", "/orders//42"}) {
      HttpResponse<String> edge = get(stack.edgeUrl() + path, bearer());
      assertThat(edge.statusCode()).as(path + ": " + edge.body()).isEqualTo(400);
      assertThat(json(edge.body()).path("reason").asText()).isEqualTo("path_not_normal");
    }
    assertThat(stack.gateway().requests()).isEqualTo(gatewayRequests);
    String path = "/orders/1%2F..%2Fadmin";
    HttpResponse<String> origin = straightToGateway(path, assertion(key(KeyState.CURRENT), "GET", path));
    assertThat(origin.statusCode()).as(origin.body()).isEqualTo(401);
  }

  @Test
  @Order(4)
  @DisplayName("an EdgeWorker log batch through the edge shows up in local CloudWatch Logs")
  void logBatchReachesCloudWatchLogs() throws Exception {
    String marker = "e2e-" + UUID.randomUUID();
    String batch = LocalStack.sampleLogBatch().replace("hello from the local edge", marker);
    HttpResponse<String> r = post(stack.edgeUrl() + "/edge/logs", batch, bearer());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(json(r.body()).path("accepted").asInt()).isEqualTo(1);
    eventually("the batch is in " + dev.edgeperimeter.local.LocalNames.edgeLogGroup(),
        () -> stack.edgeLogMessages().stream().anyMatch(m -> m.contains(marker)));
  }

  @Test
  @Order(5)
  @DisplayName("a forced rotation publishes a new CURRENT key, and requests keep working")
  void forcedRotationKeepsRequestsWorking() throws Exception {
    String before = key(KeyState.CURRENT).kid();
    FunctionInvoker.Invocation rotation = stack.rotate();
    assertThat(rotation.error()).as(rotation.text()).isFalse();
    String after = key(KeyState.CURRENT).kid();
    assertThat(after).isNotEqualTo(before);
    assertThat(key(KeyState.PREVIOUS).kid()).isEqualTo(before);
    assertThat(stack.edgeKv().item("staging", "edge-perimeter", "edge-keys", "current")).get()
        .satisfies(item -> assertThat(item).contains("\"kid\":\"" + after + "\""));
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> r = get(stack.edgeUrl() + "/orders/" + (100 + i), bearer());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }
    // an assertion made with the new key is accepted too (publish-before-use)
    assertThat(straightToGateway("/orders/7", assertion(key(KeyState.CURRENT), "GET", "/orders/7")).statusCode())
        .isEqualTo(200);
  }

  @Test
  @Order(6)
  @DisplayName("an assertion replayed on another path is rejected: 401, with the gateway's result cache off and on")
  void replayedAssertionForAnotherPath() throws Exception {
    KeyRecord current = key(KeyState.CURRENT);
    String forOrder42 = assertion(current, "GET", "/orders/42");
    assertThat(straightToGateway("/orders/42", forOrder42).statusCode()).isEqualTo(200);
    assertThat(straightToGateway("/orders/43", forOrder42).statusCode()).isEqualTo(401);

    stack.gateway().authorizerCacheTtl(Duration.ofMinutes(5));
    try {
      String cached = assertion(current, "GET", "/orders/42");
      assertThat(straightToGateway("/orders/42", cached).statusCode()).isEqualTo(200);
      int invocations = stack.gateway().authorizerInvocations();
      assertThat(straightToGateway("/orders/42", cached).statusCode()).isEqualTo(200);
      assertThat(stack.gateway().authorizerInvocations()).as("served from the cache").isEqualTo(invocations);
      assertThat(straightToGateway("/orders/43", cached).statusCode()).isEqualTo(401);
      assertThat(stack.gateway().authorizerInvocations()).as("another path is re-verified").isEqualTo(invocations + 1);
    } finally {
      stack.gateway().authorizerCacheTtl(Duration.ZERO);
    }
  }

  @Test
  @Order(7)
  @DisplayName("an assertion signed with a revoked key is rejected within the key-cache TTL")
  void revokedKeyIsRejected() throws Exception {
    KeyRecord previous = key(KeyState.PREVIOUS);
    assertThat(straightToGateway("/orders/42", assertion(previous, "GET", "/orders/42")).statusCode())
        .as("accepted while PREVIOUS").isEqualTo(200);
    FunctionInvoker.Invocation revocation = stack.revoke(previous.kid());
    assertThat(revocation.error()).as(revocation.text()).isFalse();
    assertThat(stack.keys()).filteredOn(k -> k.kid().equals(previous.kid()))
        .extracting(KeyRecord::state).containsExactly(KeyState.REVOKED);
    eventually("the authorizer rejects the revoked kid (KeyCacheTtlSeconds=1)", () -> {
      try {
        return straightToGateway("/orders/42", assertion(previous, "GET", "/orders/42")).statusCode() == 401;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    assertThat(straightToGateway("/orders/42", assertion(key(KeyState.CURRENT), "GET", "/orders/42")).statusCode())
        .as("the CURRENT key still works").isEqualTo(200);
  }

  @Test
  @Order(8)
  @DisplayName("admin endpoints: a wrong method is 405 naming the right one; a revoke without kid is 400")
  void adminEndpointsAnswerMisuseClearly() throws Exception {
    HttpResponse<String> rotateWithGet = get(stack.adminUrl() + "/rotate", Map.of());
    assertThat(rotateWithGet.statusCode()).isEqualTo(405);
    assertThat(rotateWithGet.headers().firstValue("Allow")).hasValue("POST");
    assertThat(rotateWithGet.body()).contains("use POST /_local/rotate");

    HttpResponse<String> tokenWithPost = post(stack.adminUrl() + "/token", "", Map.of());
    assertThat(tokenWithPost.statusCode()).isEqualTo(405);
    assertThat(tokenWithPost.body()).contains("use GET /_local/token");

    HttpResponse<String> revokeWithoutKid = post(stack.adminUrl() + "/revoke", "", Map.of());
    assertThat(revokeWithoutKid.statusCode()).isEqualTo(400);
    assertThat(revokeWithoutKid.body()).contains("missing kid");
    assertThat(post(stack.adminUrl() + "/revoke?kid=", "", Map.of()).statusCode()).isEqualTo(400);

    assertThat(get(stack.adminUrl() + "/nothing-here", Map.of()).statusCode()).isEqualTo(404);
  }
}
