package dev.edgeperimeter.authorizer.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.edgeperimeter.authorizer.RestRequestAuthorizerHandler;
import dev.edgeperimeter.authorizer.core.AuthorizerConfig;
import dev.edgeperimeter.authorizer.support.MemoryKeys;
import dev.edgeperimeter.authorizer.support.Minter;
import dev.edgeperimeter.authorizer.support.Sink;
import dev.edgeperimeter.authorizer.support.TestContext;
import dev.edgeperimeter.authorizer.wiring.Authorizer;
import dev.edgeperimeter.shared.config.Env;
import dev.edgeperimeter.testsupport.MutableClock;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The authorizer's EMF, as log-ingest and key rotation write theirs (Powertools Metrics): the
 * namespace {@code POWERTOOLS_METRICS_NAMESPACE}, the dimensions {@code service} (the function's
 * {@code POWERTOOLS_SERVICE_NAME}) and {@code Reason} (the decision's reason code), one document per
 * decision.
 */
@DisplayName("Decision metrics: namespace, and the dimensions service and Reason as the other functions spell them")
class DecisionMetricsTest {

  private RestRequestAuthorizerHandler handler(String namespace) {
    Map<String, String> env = new HashMap<>();
    env.put("AUTH_MODE", "edge");
    env.put("KEY_TABLE_NAME", "keys");
    env.put("EDGE_ISSUERS", Minter.ISSUER);
    env.put("EDGE_AUDIENCE", Minter.AUDIENCE);
    env.put("POWERTOOLS_SERVICE_NAME", "authorizer");
    env.put("POWERTOOLS_METRICS_NAMESPACE", namespace);
    MemoryKeys keys = MemoryKeys.standard();
    Authorizer authorizer = Authorizer.create(AuthorizerConfig.fromEnv(Env.of(env)).withRouteScopes(dev.edgeperimeter.authorizer.policy.RouteScopes.none()), keys.rows(), MemoryKeys.decrypter(),
        null, MutableClock.at(Minter.NOW));
    return new RestRequestAuthorizerHandler(authorizer.pipeline());
  }

  private static byte[] event(String assertion) {
    return Minter.json(Map.of("type", "REQUEST", "methodArn", Minter.arn("GET", "/orders/42"), "path", "/orders/42",
        "httpMethod", "GET", "headers", Map.of("X-Edge-Assertion", assertion),
        "requestContext", Map.of("requestId", "metrics-1"))).getBytes(StandardCharsets.UTF_8);
  }

  private static Set<String> dimensionNames(JsonNode emf) {
    Set<String> names = new HashSet<>();
    emf.at("/_aws/CloudWatchMetrics").forEach(d -> d.get("Dimensions").forEach(set -> set.forEach(n -> names.add(n.asText()))));
    return names;
  }

  private static Set<String> metricNames(JsonNode emf) {
    Set<String> names = new HashSet<>();
    emf.at("/_aws/CloudWatchMetrics").forEach(d -> d.get("Metrics").forEach(m -> names.add(m.get("Name").asText())));
    return names;
  }

  @Test
  @DisplayName("an Allow: namespace, service and Reason dimensions, Allow and DecisionLatency")
  void allowDecisionMetrics() throws Exception {
    Sink sink = new Sink();
    handler("EdgePerimeterMetricsTest").handleRequest(new ByteArrayInputStream(event(
        dev.edgeperimeter.authorizer.support.Cores.signed(Minter.claims("GET", "/orders/42")))),
        new ByteArrayOutputStream(), new TestContext("metrics-1"));
    assertThat(sink.emf()).hasSize(1);
    JsonNode emf = sink.emf().get(0);
    emf.at("/_aws/CloudWatchMetrics").forEach(d ->
        assertThat(d.get("Namespace").asText()).isEqualTo("EdgePerimeterMetricsTest"));
    assertThat(dimensionNames(emf)).containsExactlyInAnyOrder(DecisionTelemetry.SERVICE_DIMENSION,
        DecisionTelemetry.REASON_DIMENSION).containsExactlyInAnyOrder("service", "Reason");
    assertThat(emf.get("service").asText()).isEqualTo("authorizer");
    assertThat(emf.get("Reason").asText()).isEqualTo("ok");
    // one dimension set holding both (a breakdown of each service by reason), as log-ingest's RecordsRejected
    assertThat(emf.at("/_aws/CloudWatchMetrics/0/Dimensions").toString()).isEqualTo("[[\"service\",\"Reason\"]]");
    assertThat(metricNames(emf)).contains("Allow", "DecisionLatency");
    assertThat(emf.get("Allow").asInt()).isEqualTo(1);
  }

  @Test
  @DisplayName("an Unauthorized: the Reason dimension carries the reason code")
  void unauthorizedDecisionMetrics() {
    Sink sink = new Sink();
    assertThatThrownBy(() -> handler("EdgePerimeterMetricsTest").handleRequest(new ByteArrayInputStream(event("x.y.z")),
        new ByteArrayOutputStream(), new TestContext("metrics-2"))).hasMessage("Unauthorized");
    JsonNode emf = sink.emf().get(0);
    assertThat(dimensionNames(emf)).containsExactlyInAnyOrder("service", "Reason");
    assertThat(emf.get("Reason").asText()).isEqualTo("malformed");
    assertThat(emf.get("Unauthorized").asInt()).isEqualTo(1);
    assertThat(emf.has("reason")).as("not the old lower-case spelling").isFalse();
  }
}
