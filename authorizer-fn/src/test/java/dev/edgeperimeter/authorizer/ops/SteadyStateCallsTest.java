package dev.edgeperimeter.authorizer.ops;

import static dev.edgeperimeter.authorizer.support.Cores.assertAllowed;
import static org.assertj.core.api.Assertions.assertThat;

import dev.edgeperimeter.authorizer.core.AuthRequest;
import dev.edgeperimeter.authorizer.core.AuthorizerConfig;
import dev.edgeperimeter.authorizer.core.AuthorizerCore;
import dev.edgeperimeter.authorizer.support.CountingClients;
import dev.edgeperimeter.authorizer.support.Minter;
import dev.edgeperimeter.authorizer.support.MotoKeys;
import dev.edgeperimeter.shared.config.Env;
import dev.edgeperimeter.shared.keys.KeyState;
import dev.edgeperimeter.testsupport.MotoExtension;
import dev.edgeperimeter.testsupport.MotoServer;
import dev.edgeperimeter.testsupport.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(MotoExtension.class)
@DisplayName("Steady state: no DynamoDB or KMS call per request")
class SteadyStateCallsTest {
  private static final long NOW = Minter.NOW;

  @Test
  void oneQueryPerTtlAndOneDecryptPerKey(MotoServer server) {
    MotoKeys keys = new MotoKeys(server, "steady");
    for (String kid : new String[] {"s-next", "s-cur", "s-prev"}) {
      keys.put(kid, kid.equals("s-next") ? KeyState.NEXT : kid.equals("s-cur") ? KeyState.CURRENT : KeyState.PREVIOUS,
          Minter.key(kid), NOW + 86_400);
    }
    MutableClock clock = MutableClock.at(NOW);
    CountingClients clients = new CountingClients(server);
    AuthorizerCore core = clients.authorizer(AuthorizerConfig.fromEnv(Env.of(keys.edgeEnvironment())).withRouteScopes(dev.edgeperimeter.authorizer.policy.RouteScopes.none()), clock).pipeline().core();

    for (int i = 0; i < 500; i++) {
      String kid = i % 2 == 0 ? "s-cur" : "s-prev";
      assertAllowed(core.decide(AuthRequest.of("GET", "/orders/42",
          Minter.sign(Minter.key(kid), Minter.header(kid), Minter.claims("GET", "/orders/42")), null,
          Minter.arn("GET", "/orders/42"))));
    }
    assertThat(clients.calls("DynamoDB.Query")).isEqualTo(1);
    assertThat(clients.calls("KMS.Decrypt")).isEqualTo(3);
    assertThat(clients.total()).isEqualTo(4);

    clients.reset();
    clock.advance(Duration.ofSeconds(60));
    for (int i = 0; i < 100; i++) {
      core.decide(AuthRequest.of("GET", "/orders/42",
          Minter.sign(Minter.key("s-cur"), Minter.header("s-cur"), Minter.claims("GET", "/orders/42")), null,
          Minter.arn("GET", "/orders/42")));
    }
    assertThat(clients.calls("DynamoDB.Query")).as("one refresh after the TTL").isEqualTo(1);
    assertThat(clients.calls("KMS.Decrypt")).as("unchanged ciphertexts are not decrypted again").isZero();
  }
}
