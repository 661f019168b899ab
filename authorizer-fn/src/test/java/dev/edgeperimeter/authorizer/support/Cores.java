package dev.edgeperimeter.authorizer.support;

import dev.edgeperimeter.authorizer.assertion.EdgeAssertionVerifier;
import dev.edgeperimeter.authorizer.core.AuthRequest;
import dev.edgeperimeter.authorizer.core.AuthorizerConfig.AuthMode;
import dev.edgeperimeter.authorizer.core.AuthorizerCore;
import dev.edgeperimeter.authorizer.core.Decision;
import dev.edgeperimeter.authorizer.core.Reason;
import dev.edgeperimeter.authorizer.policy.RouteScopes;
import dev.edgeperimeter.authorizer.usertoken.UserTokenVerifier;
import dev.edgeperimeter.testsupport.MutableClock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Edge-mode cores over {@link MemoryKeys} at {@link Minter#NOW}, and outcome assertions. */
public final class Cores {
  private Cores() {
  }

  public static EdgeAssertionVerifier verifier(MemoryKeys keys, MutableClock clock) {
    return new EdgeAssertionVerifier(Set.of(Minter.ISSUER), Minter.AUDIENCE, Duration.ofSeconds(30),
        Duration.ofSeconds(300), keys.cache(clock), clock);
  }

  public static AuthorizerCore edge() {
    return edge(RouteScopes.none());
  }

  public static AuthorizerCore edge(RouteScopes routes) {
    MutableClock clock = MutableClock.at(Minter.NOW);
    return new AuthorizerCore(AuthMode.EDGE, verifier(MemoryKeys.standard(), clock), null, routes);
  }

  public static AuthorizerCore edgeJwt(UserTokenVerifier users, RouteScopes routes, MutableClock clock) {
    return new AuthorizerCore(AuthMode.EDGE_JWT, verifier(MemoryKeys.standard(), clock), users, routes);
  }

  /** Signs {@code claims} with {@link MemoryKeys#CURRENT}. */
  public static String signed(Map<String, Object> claims) {
    return Minter.sign(MemoryKeys.material(MemoryKeys.CURRENT), Minter.header(MemoryKeys.CURRENT), claims);
  }

  public static Decision decide(AuthorizerCore core, String method, String path, String assertion, String bearer) {
    return core.decide(AuthRequest.of(method, path, assertion, bearer, Minter.arn(method, path)));
  }

  public static void assertRejected(Decision d, Reason reason) {
    assertThat(d.outcome()).as("outcome").isEqualTo(Decision.Outcome.UNAUTHORIZED);
    assertThat(d.reason()).as("reason").isEqualTo(reason);
  }

  public static void assertAllowed(Decision d) {
    assertThat(d.reason()).as("reason").isEqualTo(Reason.OK);
    assertThat(d.outcome()).as("outcome").isEqualTo(Decision.Outcome.ALLOW);
  }
}
