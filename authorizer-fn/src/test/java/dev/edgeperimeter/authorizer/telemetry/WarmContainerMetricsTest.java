package dev.edgeperimeter.authorizer.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgeperimeter.authorizer.RestRequestAuthorizerHandler;
import dev.edgeperimeter.authorizer.core.AuthorizerConfig;
import dev.edgeperimeter.authorizer.policy.RouteScopes;
import dev.edgeperimeter.authorizer.support.Cores;
import dev.edgeperimeter.authorizer.support.MemoryKeys;
import dev.edgeperimeter.authorizer.support.Minter;
import dev.edgeperimeter.authorizer.support.Sink;
import dev.edgeperimeter.authorizer.support.TestContext;
import dev.edgeperimeter.authorizer.wiring.Authorizer;
import dev.edgeperimeter.shared.config.Env;
import dev.edgeperimeter.testsupport.MutableClock;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import software.amazon.lambda.powertools.metrics.MetricsFactory;

/**
 * A warm container answers millions of invocations, each with its own X-Ray trace id. Powertools'
 * shared metrics instance ({@code MetricsFactory.getMetricsInstance()}) keeps one metrics object
 * per trace id until {@code flush()} is called on it, which {@code flushMetrics} never does: a
 * function that only ever uses {@code flushMetrics} through it grows by one object per invocation.
 * The decision telemetry must keep no state per invocation.
 */
@DisplayName("Decision metrics keep no state per invocation in a warm container")
class WarmContainerMetricsTest {
  private static final String TRACE_PROPERTY = "com.amazonaws.xray.traceHeader"; // set per invocation by Lambda

  @AfterEach
  void clearTrace() {
    System.clearProperty(TRACE_PROPERTY);
  }

  /** The number of per-trace metrics objects Powertools' shared instance holds (its private map). */
  private static int perTraceEntries() throws ReflectiveOperationException {
    Object shared = MetricsFactory.getMetricsInstance();
    Field map = shared.getClass().getDeclaredField("metricsMap");
    map.setAccessible(true);
    return ((Map<?, ?>) map.get(shared)).size();
  }

  @Test
  @DisplayName("500 invocations with distinct trace ids leave Powertools' per-trace map as it was")
  void distinctTraceIdsDoNotAccumulate() throws Exception {
    Authorizer authorizer = Authorizer.create(AuthorizerConfig.fromEnv(Env.of(Map.of(
            "AUTH_MODE", "edge", "KEY_TABLE_NAME", "keys", "EDGE_ISSUERS", Minter.ISSUER,
            "EDGE_AUDIENCE", Minter.AUDIENCE, "POWERTOOLS_SERVICE_NAME", "authorizer",
            "POWERTOOLS_METRICS_NAMESPACE", "EdgePerimeterWarmTest"))).withRouteScopes(RouteScopes.none()),
        MemoryKeys.standard().rows(), MemoryKeys.decrypter(), null, MutableClock.at(Minter.NOW));
    RestRequestAuthorizerHandler handler = new RestRequestAuthorizerHandler(authorizer.pipeline());
    byte[] event = Minter.json(Map.of("type", "REQUEST", "methodArn", Minter.arn("GET", "/orders/42"),
        "path", "/orders/42", "httpMethod", "GET",
        "headers", Map.of("X-Edge-Assertion", Cores.signed(Minter.claims("GET", "/orders/42"))),
        "requestContext", Map.of("requestId", "warm"))).getBytes(StandardCharsets.UTF_8);
    Sink sink = new Sink();
    int before = perTraceEntries();

    for (int i = 0; i < 500; i++) {
      System.setProperty(TRACE_PROPERTY, String.format("Root=1-67500000-%024x;Parent=%016x;Sampled=0", i, i));
      handler.handleRequest(new ByteArrayInputStream(event), new ByteArrayOutputStream(), new TestContext("warm-" + i));
    }

    assertThat(sink.emf()).as("one EMF document per decision").hasSize(500);
    assertThat(perTraceEntries()).as("per-trace metrics objects held after 500 invocations").isEqualTo(before);
  }
}
