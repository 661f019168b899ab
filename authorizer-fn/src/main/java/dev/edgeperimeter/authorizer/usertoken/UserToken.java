package dev.edgeperimeter.authorizer.usertoken;

import com.nimbusds.jwt.JWTClaimsSet;
import java.text.ParseException;
import java.util.List;

/**
 * A verified user token (contract step 7).
 *
 * @param sub      subject
 * @param iss      issuer
 * @param scope    space-separated scopes ({@code scope}, or {@code scp} joined), or {@code null}
 * @param tokenUse Cognito {@code token_use}, or {@code null}
 * @param exp      expiry, epoch seconds
 * @param kid      the JWKS key that signed it
 */
public record UserToken(String sub, String iss, String scope, String tokenUse, long exp, String kid) {

  /**
   * The facts the authorizer uses from claims Nimbus verified.
   *
   * @throws ParseException when {@code scope}, {@code scp} or {@code token_use} has the wrong JSON type
   */
  static UserToken of(JWTClaimsSet claims, String kid) throws ParseException {
    String scope = claims.getClaim("scope") == null ? null : claims.getStringClaim("scope");
    if (scope == null && claims.getClaim("scp") != null) {
      Object scp = claims.getClaim("scp");
      scope = scp instanceof String s ? s : String.join(" ", claims.getStringListClaim("scp"));
    }
    return new UserToken(claims.getSubject(), claims.getIssuer(), scope,
        claims.getClaim("token_use") == null ? null : claims.getStringClaim("token_use"),
        claims.getExpirationTime().getTime() / 1000, kid);
  }
}
