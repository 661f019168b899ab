package dev.edgeperimeter.authorizer.usertoken;

import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.JWTClaimsSetVerifier;
import dev.edgeperimeter.authorizer.core.AuthorizerConfig.TokenUse;
import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Set;

/**
 * The claim checks of contract step 7, run by Nimbus's {@code DefaultJWTProcessor} after the
 * signature: {@code iss} equal to {@code OIDC_ISSUER}; {@code exp} present and after now - skew;
 * {@code nbf}, when present, not after now + skew; {@code token_use} as {@code OIDC_TOKEN_USE}
 * demands; {@code aud} containing an {@code OIDC_AUDIENCE} value, or for a Cognito access token
 * ({@code token_use=access}, which has no {@code aud}) {@code client_id} being one; every
 * {@code OIDC_REQUIRED_CLAIMS} claim present (not null).
 */
final class UserTokenClaims implements JWTClaimsSetVerifier<SecurityContext> {
  private final String issuer;
  private final Set<String> audiences;
  private final TokenUse tokenUse;
  private final List<String> requiredClaims;
  private final long skewMillis;
  private final Clock clock;

  UserTokenClaims(String issuer, Set<String> audiences, TokenUse tokenUse, List<String> requiredClaims,
      Duration skew, Clock clock) {
    this.issuer = issuer;
    this.audiences = Set.copyOf(audiences);
    this.tokenUse = tokenUse;
    this.requiredClaims = List.copyOf(requiredClaims);
    this.skewMillis = skew.toMillis();
    this.clock = clock;
  }

  @Override
  public void verify(JWTClaimsSet claims, SecurityContext context) throws BadJWTException {
    long now = clock.millis();
    if (!issuer.equals(claims.getIssuer())) {
      throw new BadJWTException("iss");
    }
    Date exp = claims.getExpirationTime();
    if (exp == null || exp.getTime() <= now - skewMillis) {
      throw new BadJWTException("exp");
    }
    Date nbf = claims.getNotBeforeTime();
    if (nbf != null && nbf.getTime() > now + skewMillis) {
      throw new BadJWTException("nbf");
    }
    String use = string(claims, "token_use");
    boolean useOk = switch (tokenUse) {
      case ACCESS -> "access".equals(use);
      case ID -> "id".equals(use);
      case ANY -> use == null || use.equals("access") || use.equals("id");
    };
    if (!useOk) {
      throw new BadJWTException("token_use");
    }
    if (!audienceOk(claims, use)) {
      throw new BadJWTException("aud");
    }
    for (String name : requiredClaims) {
      if (claims.getClaim(name) == null) {
        throw new BadJWTException("required claim");
      }
    }
  }

  private boolean audienceOk(JWTClaimsSet claims, String use) throws BadJWTException {
    for (String aud : claims.getAudience()) {
      if (audiences.contains(aud)) {
        return true;
      }
    }
    String clientId = string(claims, "client_id");
    return "access".equals(use) && clientId != null && audiences.contains(clientId);
  }

  /** A string claim; present with another JSON type, the token is invalid. */
  static String string(JWTClaimsSet claims, String name) throws BadJWTException {
    Object value = claims.getClaim(name);
    if (value == null || value instanceof String) {
      return (String) value;
    }
    throw new BadJWTException(name + " is not a string");
  }
}
