package dev.edgeperimeter.authorizer.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.RSASSASigner;
import dev.edgeperimeter.authorizer.core.Reason;
import dev.edgeperimeter.authorizer.core.Rejection;
import dev.edgeperimeter.authorizer.support.JwksSources;
import dev.edgeperimeter.authorizer.support.LocalIssuer;
import dev.edgeperimeter.authorizer.support.Minter;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.proc.SecurityContext;
import dev.edgeperimeter.authorizer.usertoken.IssuerKeys;
import dev.edgeperimeter.authorizer.usertoken.UserTokenVerifier;
import dev.edgeperimeter.authorizer.core.AuthorizerConfig.TokenUse;
import dev.edgeperimeter.testsupport.MutableClock;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The user-token path (contract step 7): the JWS parse, the JWKS document and the claims. The
 * documented outcomes of {@link UserTokenVerifier#verify}: a verified token, or a
 * {@link Rejection} with {@code user_token_invalid} (or {@code jwks_unavailable} when the JWKS
 * cannot be had). Nothing else.
 */
class UserTokenFuzzTest {
  private static final LocalIssuer ISSUER = new LocalIssuer();
  private static final String JWKS = ISSUER.jwksJson();
  private static final MutableClock CLOCK = MutableClock.at(Minter.NOW);
  private static final UserTokenVerifier VERIFIER = verifier(JWKS);
  private static final String GENUINE = ISSUER.rs256(LocalIssuer.accessClaims("alice", Minter.NOW));

  private static UserTokenVerifier verifier(String jwks) {
    JWKSetSource<SecurityContext> document = JwksSources.serving(() -> {
      try {
        return JWKSet.parse(jwks); // Nimbus's own parser, as URLBasedJWKSetSource uses it
      } catch (java.text.ParseException e) {
        throw new KeySourceException("not a JWKS: " + e.getMessage(), e);
      }
    });
    return new UserTokenVerifier(LocalIssuer.ISSUER, Set.of(LocalIssuer.CLIENT_ID), TokenUse.ANY, List.of("sub"),
        Duration.ofSeconds(30), Duration.ZERO, IssuerKeys.of(document, Duration.ZERO, w -> { }), CLOCK, null);
  }

  /** Arbitrary token text: rejected (a forged token never verifies). */
  @FuzzTest(maxDuration = "10m")
  void arbitraryToken(byte[] input) {
    String token = new String(input, java.nio.charset.StandardCharsets.UTF_8);
    if (verify(VERIFIER, token) != null) {
      assertThat(token).as("only the genuine token verifies").isEqualTo(GENUINE);
    }
  }

  /** Arbitrary claims (and header) signed with the issuer's RSA key: the claim rules. */
  @FuzzTest(maxDuration = "10m")
  void signedArbitraryClaims(FuzzedDataProvider data) throws JOSEException {
    JWSHeader.Builder header = new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(
        data.consumeBoolean() ? ISSUER.rsa.getKeyID() : data.consumeString(20));
    if (data.consumeBoolean()) {
      header.customParam(data.consumeString(10), data.consumeString(20));
    }
    JWSObject jws = new JWSObject(header.build(), new Payload(data.consumeRemainingAsString()));
    jws.sign(new RSASSASigner(ISSUER.rsa));
    UserTokenVerifier.Result result = verify(VERIFIER, jws.serialize());
    if (result != null) {
      assertThat(result.token()).isNotNull();
    }
  }

  /** An arbitrary JWKS document behind a genuine token: verified only by the issuer's real key. */
  @FuzzTest(maxDuration = "10m")
  void arbitraryJwks(byte[] input) {
    String jwks = new String(input, java.nio.charset.StandardCharsets.UTF_8);
    UserTokenVerifier.Result result = verify(verifier(jwks), GENUINE);
    if (result != null) {
      assertThat(jwks).as("the document holds the issuer's key").contains(ISSUER.rsa.getModulus().toString());
    }
  }

  private static UserTokenVerifier.Result verify(UserTokenVerifier verifier, String token) {
    try {
      return verifier.verify(token, null);
    } catch (Rejection rejected) {
      assertThat(rejected.reason()).isIn(Reason.USER_TOKEN_INVALID, Reason.JWKS_UNAVAILABLE);
      return null;
    }
  }
}
