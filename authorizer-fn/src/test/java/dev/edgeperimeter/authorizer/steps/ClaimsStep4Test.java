package dev.edgeperimeter.authorizer.steps;

import static dev.edgeperimeter.authorizer.support.Cores.assertAllowed;
import static dev.edgeperimeter.authorizer.support.Cores.assertRejected;
import static dev.edgeperimeter.authorizer.support.Cores.decide;
import static dev.edgeperimeter.authorizer.support.Cores.signed;

import dev.edgeperimeter.authorizer.core.AuthorizerCore;
import dev.edgeperimeter.authorizer.core.Reason;
import dev.edgeperimeter.authorizer.support.Cores;
import dev.edgeperimeter.authorizer.support.Minter;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Step 4: issuer, audience, iat/exp with skew, lifetime <= 300 s")
class ClaimsStep4Test {
  private static final long NOW = Minter.NOW;
  private final AuthorizerCore core = Cores.edge();

  private String with(Object... pairs) {
    Map<String, Object> c = Minter.claims("GET", "/orders/42");
    for (int i = 0; i < pairs.length; i += 2) {
      c.put((String) pairs[i], pairs[i + 1]);
    }
    return signed(c);
  }

  private void rejected(String assertion, Reason reason) {
    assertRejected(decide(core, "GET", "/orders/42", assertion, null), reason);
  }

  private void allowed(String assertion) {
    assertAllowed(decide(core, "GET", "/orders/42", assertion, null));
  }

  @Test
  void unlistedIssuerIsBadIssuer() {
    rejected(with("iss", "akamai-edgeworker:7654321"), Reason.BAD_ISSUER);
    rejected(with("iss", "akamai-edgeworker:12345670"), Reason.BAD_ISSUER);
    rejected(with("iss", "AKAMAI-EDGEWORKER:1234567"), Reason.BAD_ISSUER);
    rejected(with("iss", ""), Reason.BAD_ISSUER);
  }

  @Test
  void wrongAudienceIsBadAudience() {
    rejected(with("aud", "orders-api-staging"), Reason.BAD_AUDIENCE);
    rejected(with("aud", "Orders-api"), Reason.BAD_AUDIENCE);
    rejected(with("aud", "orders-api "), Reason.BAD_AUDIENCE);
  }

  @Test
  void iatUpToSkewInTheFutureIsAccepted() {
    allowed(with("iat", NOW + 30, "exp", NOW + 90));
    rejected(with("iat", NOW + 31, "exp", NOW + 91), Reason.NOT_YET_VALID);
  }

  @Test
  void expMustBeAfterNowMinusSkew() {
    allowed(with("iat", NOW - 200, "exp", NOW - 29));
    rejected(with("iat", NOW - 200, "exp", NOW - 30), Reason.EXPIRED);
    rejected(with("iat", NOW - 400, "exp", NOW - 300), Reason.EXPIRED);
  }

  @Test
  void lifetimeAbove300IsTooLong() {
    allowed(with("iat", NOW - 10, "exp", NOW + 290));
    rejected(with("iat", NOW - 10, "exp", NOW + 291), Reason.LIFETIME_TOO_LONG);
    rejected(with("iat", Long.MIN_VALUE, "exp", Long.MAX_VALUE), Reason.LIFETIME_TOO_LONG);
  }

  @Test
  void overflowingTimesCannotSneakPastTheLifetimeCheck() {
    rejected(with("iat", -9_000_000_000_000_000_000L, "exp", 9_000_000_000_000_000_000L), Reason.LIFETIME_TOO_LONG);
  }

  @Test
  void issuerIsCheckedBeforeAudienceAndTimes() {
    rejected(with("iss", "x", "aud", "y", "exp", NOW - 1000, "iat", NOW - 1100), Reason.BAD_ISSUER);
    rejected(with("aud", "y", "exp", NOW - 1000, "iat", NOW - 1100), Reason.BAD_AUDIENCE);
  }
}
