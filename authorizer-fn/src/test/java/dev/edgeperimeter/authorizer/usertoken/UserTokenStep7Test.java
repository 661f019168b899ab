package dev.edgeperimeter.authorizer.usertoken;

import static dev.edgeperimeter.authorizer.support.Cores.assertAllowed;
import static dev.edgeperimeter.authorizer.support.Cores.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.edgeperimeter.authorizer.core.AuthRequest;
import dev.edgeperimeter.authorizer.core.AuthorizerConfig.TokenUse;
import dev.edgeperimeter.authorizer.core.AuthorizerCore;
import dev.edgeperimeter.authorizer.core.Decision;
import dev.edgeperimeter.authorizer.core.Reason;
import dev.edgeperimeter.authorizer.policy.RouteScopes;
import dev.edgeperimeter.authorizer.support.Cores;
import dev.edgeperimeter.authorizer.support.LocalIssuer;
import dev.edgeperimeter.authorizer.support.Minter;
import dev.edgeperimeter.testsupport.MutableClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("Step 7: the user token (edge+jwt mode)")
class UserTokenStep7Test {
  private static final long NOW = Minter.NOW;
  private final LocalIssuer issuer = new LocalIssuer();
  private final MutableClock clock = MutableClock.at(NOW);
  private final IssuerKeys jwks = issuer.issuerKeys();

  private AuthorizerCore core(TokenUse use, List<String> required) {
    UserTokenVerifier users = new UserTokenVerifier(LocalIssuer.ISSUER, Set.of(LocalIssuer.CLIENT_ID), use, required,
        Duration.ofSeconds(30), Duration.ofSeconds(60), jwks, clock, null);
    return Cores.edgeJwt(users, RouteScopes.none(), clock);
  }

  private final AuthorizerCore core = core(TokenUse.ANY, List.of());

  /** A request whose assertion is bound (ath, and sub when given) to {@code token}. */
  static AuthRequest request(String token, String assertionSub) {
    Map<String, Object> c = Minter.claims("GET", "/orders/42");
    if (token != null) {
      c.put("ath", AuthorizerCore.sha256Base64Url(token));
    }
    if (assertionSub != null) {
      c.put("sub", assertionSub);
    }
    return AuthRequest.of("GET", "/orders/42", Cores.signed(c), token, Minter.arn("GET", "/orders/42"));
  }

  @Test
  void rs256AccessTokenIsAccepted() {
    Decision d = core.decide(request(issuer.rs256(LocalIssuer.accessClaims("alice", NOW)), "alice"));
    assertAllowed(d);
    assertThat(d.principalId()).isEqualTo("alice");
    assertThat(d.context()).containsEntry("sub", "alice").containsEntry("scope", "orders:read orders:write");
  }

  @Test
  void es256AndPs256AreAccepted() {
    assertAllowed(core.decide(request(issuer.es256(LocalIssuer.accessClaims("alice", NOW)), null)));
    assertAllowed(core.decide(request(issuer.ps256(LocalIssuer.accessClaims("alice", NOW)), null)));
  }

  @Test
  void idTokenWithAudIsAccepted() {
    assertAllowed(core.decide(request(issuer.rs256(LocalIssuer.idClaims("alice", NOW)), "alice")));
  }

  @Test
  void missingBearerTokenIsUserTokenInvalid() {
    assertRejected(core.decide(request(null, null)), Reason.USER_TOKEN_INVALID);
  }

  @Test
  void subjectMismatchBetweenAssertionAndToken() {
    assertRejected(core.decide(request(issuer.rs256(LocalIssuer.accessClaims("alice", NOW)), "mallory")),
        Reason.SUBJECT_MISMATCH);
  }

  @Test
  void hs256SignedWithTheRsaPublicKeyIsRejected() throws Exception {
    // the classic RSA/HMAC confusion: use the issuer's public key bytes as an HMAC secret
    byte[] publicKeyBytes = issuer.rsa.toRSAPublicKey().getEncoded();
    String forged = LocalIssuer.sign(JWSAlgorithm.HS256, issuer.rsa.getKeyID(), LocalIssuer.accessClaims("alice", NOW),
        new MACSigner(publicKeyBytes));
    assertRejected(core.decide(request(forged, null)), Reason.USER_TOKEN_INVALID);
    String pem = "-----BEGIN PUBLIC KEY-----\n" + java.util.Base64.getMimeEncoder().encodeToString(publicKeyBytes)
        + "\n-----END PUBLIC KEY-----\n";
    String forgedPem = LocalIssuer.sign(JWSAlgorithm.HS256, issuer.rsa.getKeyID(), LocalIssuer.accessClaims("alice", NOW),
        new MACSigner(pem.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    assertRejected(core.decide(request(forgedPem, null)), Reason.USER_TOKEN_INVALID);
  }

  @ParameterizedTest(name = "alg {0}")
  @ValueSource(strings = {"none", "None", "NONE", "nOnE", "HS256", "HS384", "HS512", "RS384", "RS512", "ES384", "EdDSA",
      "rs256"})
  void algorithmsOutsideTheAllowListAreRejected(String alg) {
    String token = issuer.rs256(LocalIssuer.accessClaims("alice", NOW));
    String[] p = token.split("\\.");
    String header = Minter.b64("{\"alg\":\"" + alg + "\",\"kid\":\"rsa-1\"}");
    assertRejected(core.decide(request(header + "." + p[1] + "." + p[2], null)), Reason.USER_TOKEN_INVALID);
    assertRejected(core.decide(request(header + "." + p[1] + ".", null)), Reason.USER_TOKEN_INVALID);
  }

  @Test
  void wrongIssuerAudienceExpiryAndNotBefore() {
    Map<String, Object> c = LocalIssuer.accessClaims("alice", NOW);
    c.put("iss", "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other");
    assertRejected(core.decide(request(issuer.rs256(c), null)), Reason.USER_TOKEN_INVALID);

    c = LocalIssuer.accessClaims("alice", NOW);
    c.put("client_id", "another-client");
    assertRejected(core.decide(request(issuer.rs256(c), null)), Reason.USER_TOKEN_INVALID);

    c = LocalIssuer.idClaims("alice", NOW);
    c.put("aud", List.of("x", "y"));
    assertRejected(core.decide(request(issuer.rs256(c), null)), Reason.USER_TOKEN_INVALID);

    c = LocalIssuer.accessClaims("alice", NOW);
    c.put("exp", NOW - 31);
    assertRejected(core.decide(request(issuer.rs256(c), null)), Reason.USER_TOKEN_INVALID);
    c.put("exp", NOW - 29);
    assertAllowed(core.decide(request(issuer.rs256(c), null)));

    c = LocalIssuer.accessClaims("alice", NOW);
    c.put("nbf", NOW + 31);
    assertRejected(core.decide(request(issuer.rs256(c), null)), Reason.USER_TOKEN_INVALID);

    c = LocalIssuer.accessClaims("alice", NOW);
    c.remove("exp");
    assertRejected(core.decide(request(issuer.rs256(c), null)), Reason.USER_TOKEN_INVALID);
  }

  @Test
  void clientIdCountsOnlyForAccessTokens() {
    Map<String, Object> c = LocalIssuer.idClaims("alice", NOW);
    c.remove("aud");
    c.put("client_id", LocalIssuer.CLIENT_ID);
    assertRejected(core.decide(request(issuer.rs256(c), null)), Reason.USER_TOKEN_INVALID);
  }

  @Test
  void tokenUseIsEnforcedAsConfigured() {
    String access = issuer.rs256(LocalIssuer.accessClaims("alice", NOW));
    String id = issuer.rs256(LocalIssuer.idClaims("alice", NOW));
    assertAllowed(core(TokenUse.ACCESS, List.of()).decide(request(access, null)));
    assertRejected(core(TokenUse.ACCESS, List.of()).decide(request(id, null)), Reason.USER_TOKEN_INVALID);
    assertAllowed(core(TokenUse.ID, List.of()).decide(request(id, null)));
    assertRejected(core(TokenUse.ID, List.of()).decide(request(access, null)), Reason.USER_TOKEN_INVALID);
    Map<String, Object> refresh = LocalIssuer.accessClaims("alice", NOW);
    refresh.put("token_use", "refresh");
    assertRejected(core.decide(request(issuer.rs256(refresh), null)), Reason.USER_TOKEN_INVALID);
  }

  @Test
  void requiredClaimsMustBePresent() {
    AuthorizerCore strict = core(TokenUse.ANY, List.of("username", "auth_time"));
    Map<String, Object> c = LocalIssuer.accessClaims("alice", NOW);
    assertRejected(strict.decide(request(issuer.rs256(c), null)), Reason.USER_TOKEN_INVALID);
    c.put("username", "alice");
    c.put("auth_time", NOW - 100);
    assertAllowed(strict.decide(request(issuer.rs256(c), null)));
  }

  private String tokenWithUnknownKid() {
    String[] p = issuer.rs256(LocalIssuer.accessClaims("alice", NOW)).split("\\.");
    return Minter.b64("{\"alg\":\"RS256\",\"kid\":\"rotated-away\"}") + "." + p[1] + "." + p[2];
  }

  @Test
  void unknownKidIsRejectedAndRefetchesAreRateLimited() {
    String token = issuer.rs256(LocalIssuer.accessClaims("alice", NOW));
    assertAllowed(core.decide(request(token, null)));
    int before = issuer.fetches();
    assertRejected(core.decide(request(tokenWithUnknownKid(), null)), Reason.USER_TOKEN_INVALID);
    for (int i = 0; i < 50; i++) {
      assertThat(core.decide(request(tokenWithUnknownKid(), null)).outcome()).isEqualTo(Decision.Outcome.UNAUTHORIZED);
    }
    // Nimbus rate-limits fetches on the wall clock (one unknown-kid refetch per 10 s); no test waits for it
    assertThat(issuer.fetches() - before).as("one early refetch per 10 s").isEqualTo(1);
    assertAllowed(core.decide(request(token, null)));
  }

  @Test
  void aFloodOfUnknownKidsIsUserTokenInvalidNotAnOutage() {
    assertAllowed(core.decide(request(issuer.rs256(LocalIssuer.accessClaims("alice", NOW)), null)));
    for (int i = 0; i < 50; i++) {
      assertRejected(core.decide(request(tokenWithUnknownKid(), null)), Reason.USER_TOKEN_INVALID);
    }
  }

  @Test
  void aKeyPublishedLaterIsLearntThroughTheUnknownKidRefetch() throws Exception {
    RSAKey rotated = new RSAKeyGenerator(2048).keyID("rsa-2").generate();
    String token = LocalIssuer.sign(JWSAlgorithm.RS256, "rsa-2", LocalIssuer.accessClaims("alice", NOW),
        new com.nimbusds.jose.crypto.RSASSASigner(rotated));
    assertAllowed(core.decide(request(issuer.rs256(LocalIssuer.accessClaims("alice", NOW)), null)));
    issuer.publish(rotated.toPublicJWK());
    assertAllowed(core.decide(request(token, null)));
  }

  @Test
  @SuppressWarnings("deprecation") // RSASSASigner(key, allowWeakKey): needed to sign with the short key
  void jwksKeysOfUnexpectedTypeAreNeverUsed() throws Exception {
    // an oct key under the kid a forged HS256 token names, and a short RSA key
    OctetSequenceKey oct = new OctetSequenceKey.Builder(new byte[32]).keyID("oct-1").build();
    issuer.publish(oct);
    String hs = LocalIssuer.sign(JWSAlgorithm.HS256, "oct-1", LocalIssuer.accessClaims("alice", NOW),
        new MACSigner(new byte[32]));
    assertRejected(core.decide(request(hs, null)), Reason.USER_TOKEN_INVALID);
    // the oct key spoils nothing: the set's RSA and EC keys still verify
    assertAllowed(core.decide(request(issuer.rs256(LocalIssuer.accessClaims("alice", NOW)), null)));
    assertAllowed(core.decide(request(issuer.es256(LocalIssuer.accessClaims("alice", NOW)), null)));

    RSAKey weak = new RSAKeyGenerator(1024, true).keyID("weak-1").generate();
    issuer.publish(weak.toPublicJWK());
    String weakToken = LocalIssuer.sign(JWSAlgorithm.RS256, "weak-1", LocalIssuer.accessClaims("alice", NOW),
        new com.nimbusds.jose.crypto.RSASSASigner(weak, true));
    assertRejected(core.decide(request(weakToken, null)), Reason.USER_TOKEN_INVALID);
  }

  @Test
  @DisplayName("attack: a JWKS key whose key_ops exclude 'verify' (e.g. an encryption key) is never used")
  void jwksKeyWhoseKeyOpsExcludeVerifyIsNeverUsed() throws Exception {
    RSAKey enc = new RSAKeyGenerator(2048).keyID("enc-1")
        .keyOperations(java.util.Set.of(com.nimbusds.jose.jwk.KeyOperation.ENCRYPT)).generate();
    RSAKey sig = new RSAKeyGenerator(2048).keyID("sig-1")
        .keyOperations(java.util.Set.of(com.nimbusds.jose.jwk.KeyOperation.VERIFY)).generate();
    issuer.publish(enc.toPublicJWK());
    issuer.publish(sig.toPublicJWK());
    String sigSigned = LocalIssuer.sign(JWSAlgorithm.RS256, "sig-1", LocalIssuer.accessClaims("alice", NOW),
        new com.nimbusds.jose.crypto.RSASSASigner(sig));
    assertAllowed(core.decide(request(sigSigned, null)));
    String encSigned = LocalIssuer.sign(JWSAlgorithm.RS256, "enc-1", LocalIssuer.accessClaims("alice", NOW),
        new com.nimbusds.jose.crypto.RSASSASigner(enc));
    assertRejected(core.decide(request(encSigned, null)), Reason.USER_TOKEN_INVALID);
  }

  @Test
  void keyTypeMustFitTheAlgorithm() {
    // an ES256 token naming the RSA key, and an RS256 token naming the EC key
    String es = issuer.es256(LocalIssuer.accessClaims("alice", NOW));
    String[] p = es.split("\\.");
    String esOnRsa = Minter.b64("{\"alg\":\"ES256\",\"kid\":\"rsa-1\"}") + "." + p[1] + "." + p[2];
    assertRejected(core.decide(request(esOnRsa, null)), Reason.USER_TOKEN_INVALID);
    String rs = issuer.rs256(LocalIssuer.accessClaims("alice", NOW));
    String[] q = rs.split("\\.");
    String rsOnEc = Minter.b64("{\"alg\":\"RS256\",\"kid\":\"ec-1\"}") + "." + q[1] + "." + q[2];
    assertRejected(core.decide(request(rsOnEc, null)), Reason.USER_TOKEN_INVALID);
  }

  @Test
  void tamperedOversizedAndMalformedTokensAreRejected() {
    String token = issuer.rs256(LocalIssuer.accessClaims("alice", NOW));
    String[] p = token.split("\\.");
    Map<String, Object> c = LocalIssuer.accessClaims("mallory", NOW);
    assertRejected(core.decide(request(p[0] + "." + Minter.b64(Minter.json(c)) + "." + p[2], null)),
        Reason.USER_TOKEN_INVALID);
    assertRejected(core.decide(request(p[0] + "." + p[1], null)), Reason.USER_TOKEN_INVALID);
    assertRejected(core.decide(request(p[0] + "." + p[1] + "." + p[2].substring(0, 20), null)), Reason.USER_TOKEN_INVALID);
    Map<String, Object> big = LocalIssuer.accessClaims("alice", NOW);
    big.put("pad", "x".repeat(9000));
    assertRejected(core.decide(request(issuer.rs256(big), null)), Reason.USER_TOKEN_INVALID);
    assertRejected(core.decide(request("not-a-jwt", null)), Reason.USER_TOKEN_INVALID);
    assertRejected(core.decide(request(Minter.b64("{\"alg\":\"RS256\",\"kid\":\"rsa-1\",\"crit\":[\"x\"]}") + "." + p[1]
        + "." + p[2], null)), Reason.USER_TOKEN_INVALID);
  }

  @Test
  void verifiedTokensAreCachedNoLongerThanTheirLifetime() {
    UserTokenVerifier users = new UserTokenVerifier(LocalIssuer.ISSUER, Set.of(LocalIssuer.CLIENT_ID), TokenUse.ANY,
        List.of(), Duration.ofSeconds(0), Duration.ofSeconds(60), jwks, clock, null);
    AuthorizerCore zeroSkew = Cores.edgeJwt(users, RouteScopes.none(), clock);
    Map<String, Object> c = LocalIssuer.accessClaims("alice", NOW);
    c.put("exp", NOW + 10);
    String token = issuer.rs256(c);
    assertAllowed(zeroSkew.decide(request(token, null)));
    assertThat(users.cachedTokens()).isEqualTo(1);
    assertAllowed(zeroSkew.decide(request(token, null)));
    clock.advance(Duration.ofSeconds(10));
    // the assertion's own window still holds (iat/exp are relative to NOW with 30 s skew), the token's is over
    assertRejected(zeroSkew.decide(request(token, null)), Reason.USER_TOKEN_INVALID);
  }
}
