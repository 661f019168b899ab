package dev.edgeperimeter.authorizer.steps;

import static dev.edgeperimeter.authorizer.support.Cores.assertAllowed;
import static dev.edgeperimeter.authorizer.support.Cores.assertRejected;
import static dev.edgeperimeter.authorizer.support.Cores.signed;

import dev.edgeperimeter.authorizer.core.AuthRequest;
import dev.edgeperimeter.authorizer.core.AuthorizerCore;
import dev.edgeperimeter.authorizer.core.Reason;
import dev.edgeperimeter.authorizer.support.Cores;
import dev.edgeperimeter.authorizer.support.Minter;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Step 6: ath binds the assertion to the request's bearer token")
class AthStep6Test {
  private static final String TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2ln";
  private final AuthorizerCore core = Cores.edge();

  private String withAth(String ath) {
    Map<String, Object> c = Minter.claims("GET", "/orders/42");
    if (ath != null) {
      c.put("ath", ath);
    }
    return signed(c);
  }

  private AuthRequest request(String assertion, String authorization) {
    return new AuthRequest("GET", "/orders/42", assertion, authorization, false, Minter.arn("GET", "/orders/42"), null);
  }

  @Test
  void matchingAthIsAccepted() {
    String ath = AuthorizerCore.sha256Base64Url(TOKEN);
    assertThatAth(ath).isEqualTo("xuozECiEq7kroyg6Dx4wy_00rcvnZDA-vCDshxD8qK4");
    assertAllowed(core.decide(request(withAth(ath), "Bearer " + TOKEN)));
  }

  private static org.assertj.core.api.AbstractStringAssert<?> assertThatAth(String ath) {
    return org.assertj.core.api.Assertions.assertThat(ath);
  }

  @Test
  void bearerSchemeIsCaseInsensitive() {
    String ath = AuthorizerCore.sha256Base64Url(TOKEN);
    assertAllowed(core.decide(request(withAth(ath), "bearer " + TOKEN)));
    assertAllowed(core.decide(request(withAth(ath), "BEARER " + TOKEN)));
  }

  @Test
  void bearerWithoutAthIsAthMissing() {
    assertRejected(core.decide(request(withAth(null), "Bearer " + TOKEN)), Reason.ATH_MISSING);
  }

  @Test
  void athOfAnotherTokenIsAthMismatch() {
    assertRejected(core.decide(request(withAth(AuthorizerCore.sha256Base64Url(TOKEN + "x")), "Bearer " + TOKEN)),
        Reason.ATH_MISMATCH);
  }

  @Test
  void paddedOrStandardAlphabetAthIsAthMismatch() {
    String ath = AuthorizerCore.sha256Base64Url(TOKEN);
    assertRejected(core.decide(request(withAth(ath + "="), "Bearer " + TOKEN)), Reason.ATH_MISMATCH);
    assertRejected(core.decide(request(withAth(ath.replace('-', '+').replace('_', '/')), "Bearer " + TOKEN)),
        Reason.ATH_MISMATCH);
  }

  @Test
  void athWithoutBearerIsIgnoredInEdgeMode() {
    assertAllowed(core.decide(request(withAth(AuthorizerCore.sha256Base64Url(TOKEN)), null)));
  }

  @Test
  void nonBearerAuthorizationIsNotABearerToken() {
    assertAllowed(core.decide(request(withAth(null), "Basic dXNlcjpwYXNz")));
  }
}
