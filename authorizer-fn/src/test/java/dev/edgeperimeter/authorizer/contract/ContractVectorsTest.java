package dev.edgeperimeter.authorizer.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.edgeperimeter.authorizer.RestRequestAuthorizerHandler;
import dev.edgeperimeter.authorizer.core.AuthRequest;
import dev.edgeperimeter.authorizer.core.AuthorizerConfig;
import dev.edgeperimeter.authorizer.policy.RouteScopes;
import dev.edgeperimeter.authorizer.core.Decision;
import dev.edgeperimeter.authorizer.support.Minter;
import dev.edgeperimeter.authorizer.support.MotoKeys;
import dev.edgeperimeter.authorizer.pipeline.AuthorizerPipeline;
import dev.edgeperimeter.authorizer.wiring.Authorizer;
import dev.edgeperimeter.shared.config.Env;
import dev.edgeperimeter.shared.crypto.Base64Url;
import dev.edgeperimeter.shared.keys.KeyState;
import dev.edgeperimeter.testsupport.MotoExtension;
import dev.edgeperimeter.testsupport.MotoServer;
import dev.edgeperimeter.testsupport.MutableClock;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The contract's test vectors (and the EdgeWorker side's extra vectors when present), every case
 * through the real verifier: keys in a moto key table, encrypted with a moto KMS key via
 * KeyMaterialCipher, in the states the vector gives; the vector's clock and configuration.
 */
@ExtendWith(MotoExtension.class)
@DisplayName("Contract test vectors (section 2)")
class ContractVectorsTest {
  private static final Path SPEC = locateSpec();

  private final MotoServer server;

  ContractVectorsTest(MotoServer server) {
    this.server = server;
  }

  private static Path locateSpec() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isDirectory(dir.resolve("spec"))) {
      dir = dir.getParent();
    }
    return dir == null ? Path.of("spec") : dir.resolve("spec");
  }

  @TestFactory
  @DisplayName("edge-assertion-v1-vectors.json")
  Stream<DynamicNode> vectors() throws Exception {
    return cases(SPEC.resolve("edge-assertion-v1-vectors.json"));
  }

  @TestFactory
  @DisplayName("edge-assertion-v1-extra-vectors.json (when present)")
  Stream<DynamicNode> extraVectors() throws Exception {
    Path extra = SPEC.resolve("edge-assertion-v1-extra-vectors.json");
    Assumptions.assumeTrue(Files.isRegularFile(extra), "no extra vectors yet: " + extra);
    return cases(extra);
  }

  private Stream<DynamicNode> cases(Path file) throws Exception {
    JsonNode doc = Minter.JSON.readTree(file.toFile());
    long now = doc.get("now").asLong();
    JsonNode config = doc.get("config");
    assertThat(config.get("mode").asText()).isEqualTo("edge");
    assertThat(config.get("maxHeaderBytes").asInt()).isEqualTo(4096);

    MotoKeys keys = new MotoKeys(server, "vectors");
    for (JsonNode k : doc.get("keys")) {
      keys.put(k.get("kid").asText(), KeyState.valueOf(k.get("state").asText()), Base64Url.decode(k.get("k").asText()),
          now + 100L * 86_400);
    }
    Map<String, String> env = new LinkedHashMap<>(keys.edgeEnvironment());
    List<String> issuers = new ArrayList<>();
    config.get("issuers").forEach(i -> issuers.add(i.asText()));
    env.put("EDGE_ISSUERS", String.join(",", issuers));
    env.put("EDGE_AUDIENCE", config.get("audience").asText());
    env.put("CLOCK_SKEW_SECONDS", config.get("skewSeconds").asText());
    env.put("MAX_ASSERTION_LIFETIME_SECONDS", config.get("maxLifetimeSeconds").asText());
    // the contract's checks only: no route policy (and so no path rule, a project rule beyond v1)
    AuthorizerConfig cfg = AuthorizerConfig.fromEnv(Env.of(env)).withRouteScopes(RouteScopes.none());
    AuthorizerPipeline runtime = Authorizer.create(cfg, server.clients(), null, MutableClock.at(now)).pipeline();
    RestRequestAuthorizerHandler handler = new RestRequestAuthorizerHandler(runtime);

    List<DynamicNode> tests = new ArrayList<>();
    for (JsonNode c : doc.get("cases")) {
      String name = c.get("name").asText();
      JsonNode req = c.get("request");
      String method = req.get("method").asText();
      String path = req.get("path").asText();
      String bearer = req.hasNonNull("bearer") ? req.get("bearer").asText() : null;
      String assertion = c.hasNonNull("assertion") ? c.get("assertion").asText() : null;
      String expect = c.get("expect").asText();
      String reason = c.hasNonNull("reason") ? c.get("reason").asText() : null;
      tests.add(DynamicContainer.dynamicContainer(name + " -> " + expect + (reason == null ? "" : " (" + reason + ")"),
          Stream.of(
              DynamicTest.dynamicTest("core decision", () -> {
                Decision d = runtime.core().decide(AuthRequest.of(method, path, assertion, bearer, Minter.arn(method, path)));
                if ("allow".equals(expect)) {
                  assertThat(d.outcome()).as(name + " reason " + d.reason()).isEqualTo(Decision.Outcome.ALLOW);
                } else {
                  assertThat(d.outcome()).as(name).isEqualTo(Decision.Outcome.UNAUTHORIZED);
                  assertThat(d.reason().code()).as(name).isEqualTo(reason);
                }
              }),
              DynamicTest.dynamicTest("REST REQUEST handler", () -> {
                byte[] event = restRequestEvent(method, path, assertion, bearer);
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                if ("allow".equals(expect)) {
                  handler.handleRequest(new ByteArrayInputStream(event), out, null);
                  JsonNode policy = Minter.JSON.readTree(out.toByteArray());
                  assertThat(policy.at("/policyDocument/Statement/0/Effect").asText()).isEqualTo("Allow");
                } else {
                  assertThatThrownBy(() -> handler.handleRequest(new ByteArrayInputStream(event), out, null))
                      .isExactlyInstanceOf(RuntimeException.class).hasMessage("Unauthorized");
                }
              }))));
    }
    return tests.stream();
  }

  private static byte[] restRequestEvent(String method, String path, String assertion, String bearer) {
    Map<String, Object> headers = new LinkedHashMap<>();
    headers.put("Host", "api.example.com");
    if (assertion != null) {
      headers.put("X-Edge-Assertion", assertion);
    }
    if (bearer != null) {
      headers.put("Authorization", "Bearer " + bearer);
    }
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("type", "REQUEST");
    event.put("methodArn", Minter.arn(method, path));
    event.put("resource", path);
    event.put("path", path);
    event.put("httpMethod", method);
    event.put("headers", headers);
    event.put("requestContext", Map.of("stage", "prod", "identity", Map.of("sourceIp", "192.0.2.10")));
    return Minter.json(event).getBytes(StandardCharsets.UTF_8);
  }

}
