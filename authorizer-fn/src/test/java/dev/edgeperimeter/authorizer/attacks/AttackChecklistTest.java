package dev.edgeperimeter.authorizer.attacks;

import static dev.edgeperimeter.authorizer.support.Cores.assertRejected;
import static dev.edgeperimeter.authorizer.support.Cores.decide;
import static dev.edgeperimeter.authorizer.support.Cores.signed;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import dev.edgeperimeter.authorizer.core.AuthRequest;
import dev.edgeperimeter.authorizer.core.AuthorizerConfig.TokenUse;
import dev.edgeperimeter.authorizer.core.AuthorizerCore;
import dev.edgeperimeter.authorizer.core.Decision;
import dev.edgeperimeter.authorizer.core.Reason;
import dev.edgeperimeter.authorizer.policy.RouteScopes;
import dev.edgeperimeter.authorizer.support.Cores;
import dev.edgeperimeter.authorizer.support.LocalIssuer;
import dev.edgeperimeter.authorizer.support.MemoryKeys;
import dev.edgeperimeter.authorizer.support.Minter;
import dev.edgeperimeter.authorizer.usertoken.IssuerKeys;
import dev.edgeperimeter.authorizer.usertoken.UserTokenVerifier;
import dev.edgeperimeter.shared.crypto.Base64Url;
import dev.edgeperimeter.testsupport.MutableClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The attack checklist: every item is a named test that must be rejected. */
@DisplayName("Attack checklist")
class AttackChecklistTest {
  private static final long NOW = Minter.NOW;
  private final AuthorizerCore edge = Cores.edge();
  private final byte[] key = MemoryKeys.material(MemoryKeys.CURRENT);

  private String withHeader(String member, Object value) {
    Map<String, Object> h = Minter.header(MemoryKeys.CURRENT);
    h.put(member, value);
    return Minter.sign(key, h, Minter.claims("GET", "/orders/42"));
  }

  private Decision get(String assertion) {
    return decide(edge, "GET", "/orders/42", assertion, null);
  }

  @ParameterizedTest(name = "alg \"{0}\"")
  @ValueSource(strings = {"none", "None", "NONE", "nONE", "NoNe", "nonE"})
  @DisplayName("alg none, in every casing, signed or unsigned")
  void algNoneInEveryCasing(String alg) {
    String signedNone = withHeader("alg", alg);
    assertRejected(get(signedNone), Reason.BAD_ALG);
    assertRejected(get(signedNone.substring(0, signedNone.lastIndexOf('.') + 1)), Reason.BAD_ALG);
  }

  @ParameterizedTest(name = "alg {0}")
  @ValueSource(strings = {"HS384", "HS512", "RS256", "ES256", "PS256", "EdDSA", "hs256", "HS256 "})
  @DisplayName("alg other than the pinned HS256")
  void algOtherThanPinned(String alg) {
    assertRejected(get(withHeader("alg", alg)), Reason.BAD_ALG);
  }

  @Test
  @DisplayName("crit header")
  void critHeader() {
    assertRejected(get(withHeader("crit", List.of("b64"))), Reason.CRIT);
  }

  @ParameterizedTest(name = "typ {0}")
  @ValueSource(strings = {"JWT", "jwt", "EDGE+JWT", "at+jwt", "dpop+jwt"})
  @DisplayName("wrong typ")
  void wrongTyp(String typ) {
    assertRejected(get(withHeader("typ", typ)), Reason.BAD_TYP);
  }

  @Test
  @DisplayName("unknown, retired, revoked and past-notAfter kids")
  void inactiveKids() {
    assertRejected(get(Minter.sign(key, Minter.header("never-issued"), Minter.claims("GET", "/orders/42"))),
        Reason.UNKNOWN_KID);
    for (String kid : new String[] {MemoryKeys.RETIRED, MemoryKeys.REVOKED, MemoryKeys.PAST_NOT_AFTER}) {
      assertRejected(get(Minter.sign(MemoryKeys.material(kid), Minter.header(kid), Minter.claims("GET", "/orders/42"))),
          Reason.KEY_INACTIVE);
    }
  }

  @ParameterizedTest(name = "kid {0}")
  @ValueSource(strings = {"../../etc/passwd", "..\\..\\keys", "/dev/null", "k-2026-11.cur/../k", "' OR '1'='1",
      "k\"; DROP TABLE keys; --", "KEYSET#edge-origin", "k-2026-11.cur%00", "${jndi:ldap://x}"})
  @DisplayName("kid with path or SQL-ish content")
  void kidWithPathOrSqlContent(String kid) {
    assertRejected(get(Minter.sign(key, Minter.header(kid), Minter.claims("GET", "/orders/42"))), Reason.UNKNOWN_KID);
  }

  @Test
  @DisplayName("signature stripped, truncated, one bit flipped")
  void signatureTampering() {
    String good = signed(Minter.claims("GET", "/orders/42"));
    String[] p = good.split("\\.");
    assertRejected(get(p[0] + "." + p[1] + "."), Reason.BAD_SIGNATURE);
    assertRejected(get(p[0] + "." + p[1]), Reason.MALFORMED);
    assertRejected(get(p[0] + "." + p[1] + "." + p[2].substring(0, 40)), Reason.BAD_SIGNATURE);
    byte[] sig = Base64Url.decode(p[2]);
    sig[31] ^= 1;
    assertRejected(get(p[0] + "." + p[1] + "." + Base64Url.encode(sig)), Reason.BAD_SIGNATURE);
  }

  @Test
  @DisplayName("claims changed after signing")
  void claimsChangedAfterSigning() {
    String[] p = signed(Minter.claims("GET", "/orders/42")).split("\\.");
    Map<String, Object> c = Minter.claims("GET", "/orders/42");
    c.put("sub", "admin");
    c.put("scope", "orders:admin");
    assertRejected(get(p[0] + "." + Minter.b64(Minter.json(c)) + "." + p[2]), Reason.BAD_SIGNATURE);
  }

  @Test
  @DisplayName("expired, not yet valid, exp - iat > 300")
  void timeAttacks() {
    Map<String, Object> c = Minter.claims("GET", "/orders/42");
    c.put("iat", NOW - 400);
    c.put("exp", NOW - 100);
    assertRejected(get(signed(c)), Reason.EXPIRED);
    c.put("iat", NOW + 100);
    c.put("exp", NOW + 160);
    assertRejected(get(signed(c)), Reason.NOT_YET_VALID);
    c.put("iat", NOW - 10);
    c.put("exp", NOW + 86_400);
    assertRejected(get(signed(c)), Reason.LIFETIME_TOO_LONG);
  }

  @Test
  @DisplayName("wrong aud, unlisted iss")
  void audienceAndIssuer() {
    Map<String, Object> c = Minter.claims("GET", "/orders/42");
    c.put("aud", "payments-api");
    assertRejected(get(signed(c)), Reason.BAD_AUDIENCE);
    c = Minter.claims("GET", "/orders/42");
    c.put("iss", "akamai-edgeworker:666");
    assertRejected(get(signed(c)), Reason.BAD_ISSUER);
  }

  @Test
  @DisplayName("htm/htu mismatch: case, trailing slash, %2F, .., //")
  void bindingAttacks() {
    assertRejected(decide(edge, "GET", "/orders/42", signed(Minter.claims("get", "/orders/42")), null),
        Reason.METHOD_MISMATCH);
    assertRejected(decide(edge, "GET", "/orders/42/", signed(Minter.claims("GET", "/orders/42")), null),
        Reason.PATH_MISMATCH);
    assertRejected(decide(edge, "GET", "/orders%2F42", signed(Minter.claims("GET", "/orders/42")), null),
        Reason.PATH_MISMATCH);
    assertRejected(decide(edge, "GET", "/admin", signed(Minter.claims("GET", "/orders/../admin")), null),
        Reason.PATH_MISMATCH);
    assertRejected(decide(edge, "GET", "/orders/42", signed(Minter.claims("GET", "//orders/42")), null),
        Reason.PATH_MISMATCH);
    assertRejected(decide(edge, "GET", "/ORDERS/42", signed(Minter.claims("GET", "/orders/42")), null),
        Reason.PATH_MISMATCH);
  }

  @Test
  @DisplayName("missing or wrong ath")
  void athAttacks() {
    String token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2ln";
    assertRejected(decide(edge, "GET", "/orders/42", signed(Minter.claims("GET", "/orders/42")), token),
        Reason.ATH_MISSING);
    Map<String, Object> c = Minter.claims("GET", "/orders/42");
    c.put("ath", AuthorizerCore.sha256Base64Url("another-token"));
    assertRejected(decide(edge, "GET", "/orders/42", signed(c), token), Reason.ATH_MISMATCH);
  }

  @Test
  @DisplayName("oversize header (> 4 KiB)")
  void oversizeHeader() {
    Map<String, Object> c = Minter.claims("GET", "/orders/42");
    c.put("pad", "A".repeat(5000));
    assertRejected(get(signed(c)), Reason.TOO_LARGE);
    assertRejected(get("a".repeat(1_000_000)), Reason.TOO_LARGE);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"not json at all", "[]", "\"string\"", "123", "true", "{\"a\":1,\"a\":2}", "{\"a\":1}{}",
      "{\"a\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}", "{'a':1}", "{a:1}"})
  @DisplayName("non-JSON, non-object, duplicate-key, deeply nested JSON")
  void jsonAttacks(String json) {
    assertRejected(get(Minter.signRaw(key, json, Minter.json(Minter.claims("GET", "/orders/42")))), Reason.MALFORMED);
    assertRejected(get(Minter.signRaw(key, Minter.json(Minter.header(MemoryKeys.CURRENT)), json)), Reason.MALFORMED);
  }

  @ParameterizedTest(name = "[{index}] junk [{0}]")
  @ValueSource(strings = {"==", "=", "+", "/", " ", "!", "\u00e9", "%3D", "\n"})
  @DisplayName("invalid base64url and padding")
  void base64Attacks(String junk) {
    String[] p = signed(Minter.claims("GET", "/orders/42")).split("\\.");
    assertRejected(get(p[0] + junk + "." + p[1] + "." + p[2]), Reason.MALFORMED);
    assertRejected(get(p[0] + "." + p[1] + junk + "." + p[2]), Reason.MALFORMED);
    assertRejected(get(p[0] + "." + p[1] + "." + p[2] + junk), Reason.MALFORMED);
  }

  // ---- user token (edge+jwt)

  private final LocalIssuer issuer = new LocalIssuer();
  private final MutableClock clock = MutableClock.at(NOW);

  private AuthorizerCore edgeJwt() {
    IssuerKeys jwks = issuer.issuerKeys();
    UserTokenVerifier users = new UserTokenVerifier(LocalIssuer.ISSUER, Set.of(LocalIssuer.CLIENT_ID), TokenUse.ANY,
        List.of(), Duration.ofSeconds(30), Duration.ofSeconds(60), jwks, clock, null);
    return Cores.edgeJwt(users, RouteScopes.none(), clock);
  }

  private static AuthRequest bound(String token, String sub) {
    Map<String, Object> c = Minter.claims("GET", "/orders/42");
    c.put("ath", AuthorizerCore.sha256Base64Url(token));
    if (sub != null) {
      c.put("sub", sub);
    }
    return AuthRequest.of("GET", "/orders/42", Cores.signed(c), token, Minter.arn("GET", "/orders/42"));
  }

  @Test
  @DisplayName("user token HS256-signed with the issuer's public key (RSA/HMAC confusion)")
  void rsaHmacConfusion() throws Exception {
    String forged = LocalIssuer.sign(JWSAlgorithm.HS256, "rsa-1", LocalIssuer.accessClaims("alice", NOW),
        new MACSigner(issuer.rsa.toRSAPublicKey().getEncoded()));
    assertRejected(edgeJwt().decide(bound(forged, null)), Reason.USER_TOKEN_INVALID);
  }

  @Test
  @DisplayName("user token alg none")
  void userTokenAlgNone() {
    String[] p = issuer.rs256(LocalIssuer.accessClaims("alice", NOW)).split("\\.");
    String none = Minter.b64("{\"alg\":\"none\",\"kid\":\"rsa-1\"}") + "." + p[1] + ".";
    assertRejected(edgeJwt().decide(bound(none, null)), Reason.USER_TOKEN_INVALID);
  }

  @Test
  @DisplayName("sub mismatch between assertion and user token")
  void subMismatch() {
    assertRejected(edgeJwt().decide(bound(issuer.rs256(LocalIssuer.accessClaims("alice", NOW)), "bob")),
        Reason.SUBJECT_MISMATCH);
  }

  @Test
  @DisplayName("oversize user token")
  void oversizeToken() {
    Map<String, Object> c = LocalIssuer.accessClaims("alice", NOW);
    c.put("pad", "x".repeat(20_000));
    assertRejected(edgeJwt().decide(bound(issuer.rs256(c), null)), Reason.USER_TOKEN_INVALID);
  }

  @Test
  @DisplayName("JWKS with an unexpected key type")
  void jwksWithUnexpectedKeyType() throws Exception {
    issuer.unpublishAll();
    issuer.publish(new OctetSequenceKey.Builder(issuer.rsa.toRSAPublicKey().getEncoded()).keyID("rsa-1").build());
    String forged = LocalIssuer.sign(JWSAlgorithm.HS256, "rsa-1", LocalIssuer.accessClaims("alice", NOW),
        new MACSigner(issuer.rsa.toRSAPublicKey().getEncoded()));
    assertRejected(edgeJwt().decide(bound(forged, null)), Reason.USER_TOKEN_INVALID);
    String legit = issuer.rs256(LocalIssuer.accessClaims("alice", NOW));
    assertRejected(edgeJwt().decide(bound(legit, null)), Reason.USER_TOKEN_INVALID);
  }

  @Test
  @DisplayName("wrong aud and unlisted iss on the user token")
  void userTokenAudienceAndIssuer() {
    Map<String, Object> c = LocalIssuer.idClaims("alice", NOW);
    c.put("aud", "someone-else");
    assertRejected(edgeJwt().decide(bound(issuer.rs256(c), null)), Reason.USER_TOKEN_INVALID);
    c = LocalIssuer.accessClaims("alice", NOW);
    c.put("iss", "https://evil.example");
    assertRejected(edgeJwt().decide(bound(issuer.rs256(c), null)), Reason.USER_TOKEN_INVALID);
  }
}
