package dev.edgeperimeter.authorizer.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgeperimeter.authorizer.AuthorizerRuntime;
import dev.edgeperimeter.authorizer.core.AuthorizerConfig;
import dev.edgeperimeter.authorizer.support.CountingClients;
import dev.edgeperimeter.authorizer.support.LocalIssuer;
import dev.edgeperimeter.authorizer.support.Minter;
import dev.edgeperimeter.authorizer.support.MotoKeys;
import dev.edgeperimeter.authorizer.support.Sink;
import dev.edgeperimeter.shared.aws.direct.AwsJsonClient;
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

@ExtendWith(MotoExtension.class)
@DisplayName("SnapStart priming (org.crac beforeCheckpoint)")
class PrimingTest {

  @Test
  void primesEveryHotPathAndPrefetchesKeysAndJwksWhenReachable(MotoServer server) throws Exception {
    MotoKeys keys = new MotoKeys(server, "priming");
    keys.put("p-cur", KeyState.CURRENT, Minter.key("p-cur"), Minter.NOW + 86_400);
    Map<String, String> env = new HashMap<>(keys.edgeEnvironment());
    env.put("AUTH_MODE", "edge+jwt");
    env.put("OIDC_ISSUER", LocalIssuer.ISSUER);
    env.put("OIDC_AUDIENCE", LocalIssuer.CLIENT_ID);
    LocalIssuer issuer = new LocalIssuer();
    CountingClients clients = new CountingClients(server);
    AuthorizerRuntime runtime = clients.runtime(AuthorizerConfig.fromEnv(Env.of(env)), MutableClock.at(Minter.NOW), new Sink(), issuer::jwksJson);

    // what CRaC calls before the snapshot
    runtime.priming().beforeCheckpoint(null);

    assertThat(runtime.priming().lastRun())
        .containsExactly("edge-assertion", "events", "responses", "telemetry", "jca", "signature-provider", "keys", "jwks");
    assertThat(runtime.keys().size()).isEqualTo(1);
    assertThat(clients.calls("KMS.Decrypt")).isEqualTo(1);
    assertThat(runtime.jwks().fetchCount()).isEqualTo(1);
    assertThat(issuer.fetches()).isEqualTo(1);
  }

  @Test
  void signatureProviderJdkLeavesAccpOutOfTheSnapshot(MotoServer server) {
    MotoKeys keys = new MotoKeys(server, "priming-jdk");
    Map<String, String> env = new HashMap<>(keys.edgeEnvironment());
    env.put("AUTH_MODE", "edge+jwt");
    env.put("OIDC_ISSUER", LocalIssuer.ISSUER);
    env.put("OIDC_AUDIENCE", LocalIssuer.CLIENT_ID);
    env.put("SIGNATURE_PROVIDER", "jdk");
    AuthorizerRuntime runtime = new CountingClients(server).runtime(AuthorizerConfig.fromEnv(Env.of(env)),
        MutableClock.at(Minter.NOW), new Sink(), new LocalIssuer()::jwksJson);
    assertThat(runtime.priming().prime()).contains("jca").doesNotContain("signature-provider");
  }

  @Test
  void swallowsUnreachableDependencies(MotoServer server) {
    MotoKeys keys = new MotoKeys(server, "priming-down");
    Map<String, String> env = new HashMap<>(keys.edgeEnvironment());
    env.put("AUTH_MODE", "edge+jwt");
    env.put("OIDC_ISSUER", "https://issuer.invalid");
    env.put("OIDC_AUDIENCE", "c");
    env.put("OIDC_JWKS_URL", "http://127.0.0.1:9/jwks.json");
    CountingClients clients = CountingClients.unreachable(server);
    Sink sink = new Sink();
    AuthorizerRuntime runtime = clients.runtime(AuthorizerConfig.fromEnv(Env.of(env)), MutableClock.at(Minter.NOW), sink, null);

    assertThat(runtime.priming().prime())
        .containsExactly("edge-assertion", "events", "responses", "telemetry", "jca", "signature-provider")
        .doesNotContain("keys", "jwks");
    assertThat(sink.lines()).anyMatch(l -> l.contains("key set refresh failed"));
    assertThat(sink.lines()).anyMatch(l -> l.contains("JWKS fetch failed"));
  }

  @Test
  void primingLeavesNoDecisionLogsAndNoColdStartConsumed(MotoServer server) {
    MotoKeys keys = new MotoKeys(server, "priming-quiet");
    Sink sink = new Sink();
    AuthorizerRuntime runtime = AuthorizerRuntime.create(AuthorizerConfig.fromEnv(Env.of(keys.edgeEnvironment())), server.awsEnvironment(), server.directCredentials(),
        AwsJsonClient.Options.DEFAULT, MutableClock.at(Minter.NOW), sink, null);
    runtime.priming().prime();
    assertThat(sink.lines()).noneMatch(l -> l.contains("authorizer decision") || l.contains("_aws"));
  }
}
