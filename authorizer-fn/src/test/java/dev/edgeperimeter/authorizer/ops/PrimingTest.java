package dev.edgeperimeter.authorizer.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgeperimeter.authorizer.core.AuthorizerConfig;
import dev.edgeperimeter.authorizer.support.CountingClients;
import dev.edgeperimeter.authorizer.support.LocalIssuer;
import dev.edgeperimeter.authorizer.support.Minter;
import dev.edgeperimeter.authorizer.support.MotoKeys;
import dev.edgeperimeter.authorizer.support.Sink;
import dev.edgeperimeter.authorizer.wiring.Authorizer;
import dev.edgeperimeter.shared.config.Env;
import dev.edgeperimeter.shared.keys.KeyState;
import dev.edgeperimeter.testsupport.MotoExtension;
import dev.edgeperimeter.testsupport.MotoServer;
import dev.edgeperimeter.testsupport.MutableClock;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@ExtendWith(MotoExtension.class)
@DisplayName("SnapStart priming (org.crac beforeCheckpoint)")
class PrimingTest {
  private static Map<String, String> edgeJwt(MotoKeys keys) {
    Map<String, String> env = new HashMap<>(keys.edgeEnvironment());
    env.put("AUTH_MODE", "edge+jwt");
    env.put("OIDC_ISSUER", LocalIssuer.ISSUER);
    env.put("OIDC_AUDIENCE", LocalIssuer.CLIENT_ID);
    return env;
  }

  @Test
  void primesEveryHotPathAndLoadsKeysAndJwksWhenReachable(MotoServer server) throws Exception {
    MotoKeys keys = new MotoKeys(server, "priming");
    keys.put("p-cur", KeyState.CURRENT, Minter.key("p-cur"), Minter.NOW + 86_400);
    LocalIssuer issuer = new LocalIssuer();
    CountingClients clients = new CountingClients(server);
    Authorizer authorizer = clients.authorizer(AuthorizerConfig.fromEnv(Env.of(edgeJwt(keys))),
        MutableClock.at(Minter.NOW), issuer.issuerKeys());

    // what CRaC calls before the snapshot
    authorizer.priming().beforeCheckpoint(null);

    assertThat(authorizer.priming().lastRun())
        .containsExactly("keys", "jwks", "libraries", "pipeline", "user-token");
    assertThat(clients.calls("DynamoDB.Query")).isEqualTo(1);
    assertThat(clients.calls("KMS.Decrypt")).isEqualTo(1);
    assertThat(issuer.fetches()).isEqualTo(1);

    // the first request after the restore finds the key set loaded
    clients.reset();
    assertThat(authorizer.keys().resolve("p-cur", Minter.NOW).key().kid()).isEqualTo("p-cur");
    assertThat(clients.total()).isZero();
  }

  @ParameterizedTest(name = "SIGNATURE_PROVIDER={0}")
  @ValueSource(strings = {"accp", "jdk"})
  void primesTheUserTokenPathOnEitherProvider(String provider, MotoServer server) {
    MotoKeys keys = new MotoKeys(server, "priming-" + provider);
    Map<String, String> env = edgeJwt(keys);
    env.put("SIGNATURE_PROVIDER", provider);
    Authorizer authorizer = new CountingClients(server).authorizer(AuthorizerConfig.fromEnv(Env.of(env)),
        MutableClock.at(Minter.NOW), new LocalIssuer().issuerKeys());
    assertThat(authorizer.priming().prime()).contains("user-token");
  }

  @Test
  void swallowsUnreachableDependencies(MotoServer server) {
    MotoKeys keys = new MotoKeys(server, "priming-down");
    Map<String, String> env = edgeJwt(keys);
    env.put("OIDC_ISSUER", "https://issuer.invalid");
    env.put("OIDC_AUDIENCE", "c");
    env.put("OIDC_JWKS_URL", "http://127.0.0.1:9/jwks.json");
    Sink sink = new Sink();
    Authorizer authorizer = CountingClients.unreachable(server).authorizer(AuthorizerConfig.fromEnv(Env.of(env)),
        MutableClock.at(Minter.NOW));

    assertThat(authorizer.priming().prime())
        .containsExactly("libraries", "pipeline", "user-token")
        .doesNotContain("keys", "jwks");
    assertThat(sink.lines()).anyMatch(l -> l.contains("key set refresh failed"));
    assertThat(sink.lines()).anyMatch(l -> l.contains("JWKS fetch failed"));
  }

  @Test
  void primingLeavesNoDecisionLogsAndNoMetrics(MotoServer server) {
    MotoKeys keys = new MotoKeys(server, "priming-quiet");
    Sink sink = new Sink();
    Authorizer authorizer = new CountingClients(server).authorizer(AuthorizerConfig.fromEnv(Env.of(keys.edgeEnvironment())),
        MutableClock.at(Minter.NOW));
    // the pipeline step runs the handlers' code, decision telemetry included, and writes nothing
    assertThat(authorizer.priming().prime()).contains("libraries", "pipeline");
    assertThat(sink.lines()).noneMatch(l -> l.contains("authorizer decision") || l.contains("_aws"));
  }
}
