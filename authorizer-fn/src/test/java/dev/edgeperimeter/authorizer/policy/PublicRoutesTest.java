package dev.edgeperimeter.authorizer.policy;

import static dev.edgeperimeter.authorizer.support.Cores.assertAllowed;
import static dev.edgeperimeter.authorizer.support.Cores.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;

import dev.edgeperimeter.authorizer.core.AuthRequest;
import dev.edgeperimeter.authorizer.core.AuthorizerConfig.TokenUse;
import dev.edgeperimeter.authorizer.core.AuthorizerCore;
import dev.edgeperimeter.authorizer.core.Decision;
import dev.edgeperimeter.authorizer.core.Reason;
import dev.edgeperimeter.authorizer.support.Cores;
import dev.edgeperimeter.authorizer.support.LocalIssuer;
import dev.edgeperimeter.authorizer.support.Minter;
import dev.edgeperimeter.authorizer.support.Tables;
import dev.edgeperimeter.authorizer.usertoken.UserTokenVerifier;
import dev.edgeperimeter.testsupport.MutableClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Route policy in edge+jwt mode: public routes need no user token; scoped ones do")
class PublicRoutesTest {
  private final LocalIssuer issuer = new LocalIssuer();
  private final MutableClock clock = MutableClock.at(Minter.NOW);
  private final AuthorizerCore core = Cores.edgeJwt(new UserTokenVerifier(LocalIssuer.ISSUER, Set.of(LocalIssuer.CLIENT_ID),
      TokenUse.ANY, List.of(), Duration.ofSeconds(30), Duration.ofSeconds(60),
      issuer.issuerKeys(), clock, null),
      Tables.of("ANY /health public", "GET /orders/{id} any=orders:read"), clock);

  private Decision decide(String method, String path, String token) {
    Map<String, Object> c = Minter.claims(method, path);
    if (token != null) {
      c.put("ath", AuthorizerCore.sha256Base64Url(token));
    }
    return core.decide(AuthRequest.of(method, path, Cores.signed(c), token, Minter.arn(method, path)));
  }

  @Test
  void aPublicRouteWithoutAUserTokenIsAllowed() {
    Decision d = decide("POST", "/health", null);
    assertAllowed(d);
    assertThat(d.context()).containsEntry("sub", "").containsEntry("scope", "");
  }

  @Test
  void aPublicRouteStillNeedsAValidAssertion() {
    assertRejected(core.decide(AuthRequest.of("GET", "/health", null, null, Minter.arn("GET", "/health"))), Reason.MISSING);
  }

  @Test
  void aUserTokenSentToAPublicRouteIsStillVerified() {
    assertRejected(decide("GET", "/health", "not.a.token"), Reason.USER_TOKEN_INVALID);
    assertAllowed(decide("GET", "/health", issuer.rs256(LocalIssuer.accessClaims("alice", Minter.NOW))));
  }

  @Test
  void aScopedRouteWithoutAUserTokenIsUnauthorized() {
    assertRejected(decide("GET", "/orders/42", null), Reason.USER_TOKEN_INVALID);
  }
}
