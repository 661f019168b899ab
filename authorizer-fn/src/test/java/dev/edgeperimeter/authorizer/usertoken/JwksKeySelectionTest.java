package dev.edgeperimeter.authorizer.usertoken;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.KeyOperation;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.Base64URL;
import dev.edgeperimeter.authorizer.core.AuthorizerConfig.TokenUse;
import dev.edgeperimeter.authorizer.core.Rejection;
import dev.edgeperimeter.authorizer.support.JwksSources;
import dev.edgeperimeter.authorizer.support.LocalIssuer;
import dev.edgeperimeter.authorizer.support.Minter;
import dev.edgeperimeter.shared.crypto.Base64Url;
import dev.edgeperimeter.shared.crypto.Sha256;
import dev.edgeperimeter.testsupport.MutableClock;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Which key of the issuer's JWKS may verify a user token (what the hand-written JWKS reader's drop
 * rules became: key selection for Nimbus): exactly one key under the token's {@code kid}, of the
 * algorithm's type, for signatures, RSA of 2048 to 16384 bits with an odd exponent of 3 to 32 bits,
 * EC on P-256. Every other key verifies nothing, and the set's good keys keep working beside it.
 */
@DisplayName("JWKS key selection: which published keys may verify a user token")
class JwksKeySelectionTest {
  private static final long NOW = Minter.NOW;
  private static RSAKey rsa;
  private static ECKey ec;

  @BeforeAll
  static void keys() throws Exception {
    rsa = new RSAKeyGenerator(2048).keyID("rsa-1").keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256).generate();
    ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
  }

  /** A JWKS of these raw entries, served from memory through Nimbus's parser. */
  private static JWKSetSource<SecurityContext> jwks(String... entries) {
    String json = "{\"keys\":[" + String.join(",", entries) + "]}";
    return JwksSources.serving(() -> JwksSources.parse(json, "not a JWKS"));
  }

  private static UserTokenVerifier verifier(String... entries) {
    return new UserTokenVerifier(LocalIssuer.ISSUER, Set.of(LocalIssuer.CLIENT_ID), TokenUse.ANY, List.of(),
        Duration.ofSeconds(30), Duration.ZERO, IssuerKeys.of(jwks(entries), Duration.ofSeconds(900), w -> { }),
        MutableClock.at(NOW), null);
  }

  private static boolean accepts(UserTokenVerifier v, String token) {
    try {
      v.verify(token, null);
      return true;
    } catch (Rejection r) {
      return false;
    }
  }

  private static String rs256(String kid, RSAKey key) throws Exception {
    return LocalIssuer.sign(JWSAlgorithm.RS256, kid, LocalIssuer.accessClaims("alice", NOW), new RSASSASigner(key));
  }

  private static String es256(String kid) throws Exception {
    return LocalIssuer.sign(JWSAlgorithm.ES256, kid, LocalIssuer.accessClaims("alice", NOW), new ECDSASigner(ec));
  }

  /** The public JWK of {@link #rsa} under {@code kid}, changed by {@code builder}. */
  private static String rsaEntry(String kid, java.util.function.UnaryOperator<RSAKey.Builder> builder) throws Exception {
    return builder.apply(new RSAKey.Builder(rsa.toRSAPublicKey()).keyID(kid)).build().toJSONString();
  }

  @Test
  @DisplayName("RSA and P-256 keys verify RS256, PS256 and ES256 tokens")
  void goodKeysVerify() throws Exception {
    UserTokenVerifier v = verifier(rsaEntry("rsa-1", b -> b), ec.toPublicJWK().toJSONString());
    assertThat(accepts(v, rs256("rsa-1", rsa))).isTrue();
    assertThat(accepts(v, LocalIssuer.sign(JWSAlgorithm.PS256, "rsa-1", LocalIssuer.accessClaims("alice", NOW),
        new RSASSASigner(rsa)))).isTrue();
    assertThat(accepts(v, es256("ec-1"))).isTrue();
  }

  @Test
  @DisplayName("private members in a published key change nothing: only the public key verifies")
  void privateMembersAreIgnored() throws Exception {
    assertThat(accepts(verifier(rsa.toJSONString()), rs256("rsa-1", rsa))).isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"use enc", "key_ops sign only", "alg RS512", "no kid", "duplicate kid"})
  @DisplayName("never used: encryption keys, key_ops without verify, another alg, no kid, an ambiguous kid")
  void keysThatMayNotVerify(String rule) throws Exception {
    String entry = switch (rule) {
      case "use enc" -> rsaEntry("k", b -> b.keyUse(KeyUse.ENCRYPTION));
      case "key_ops sign only" -> rsaEntry("k", b -> b.keyOperations(Set.of(KeyOperation.SIGN)));
      case "alg RS512" -> rsaEntry("k", b -> b.algorithm(JWSAlgorithm.RS512));
      case "no kid" -> rsaEntry(null, b -> b);
      default -> rsaEntry("k", b -> b) + "," + rsaEntry("k", b -> b.keyUse(KeyUse.SIGNATURE));
    };
    UserTokenVerifier v = verifier(entry, ec.toPublicJWK().toJSONString());
    assertThat(accepts(v, rs256("k", rsa))).as(rule).isFalse();
    assertThat(accepts(v, es256("ec-1"))).as("the set's good key still verifies").isTrue();
  }

  @Test
  @DisplayName("key_ops holding verify is fine")
  void keyOpsWithVerify() throws Exception {
    assertThat(accepts(verifier(rsaEntry("k", b -> b.keyOperations(Set.of(KeyOperation.VERIFY)))), rs256("k", rsa)))
        .isTrue();
  }

  @Test
  @DisplayName("a symmetric key never verifies, whatever the token's alg")
  void symmetricKey() throws Exception {
    var oct = new OctetSequenceKeyGenerator(256).keyID("oct").generate();
    UserTokenVerifier v = verifier(oct.toJSONString(), rsaEntry("rsa-1", b -> b));
    String hs = LocalIssuer.sign(JWSAlgorithm.HS256, "oct", LocalIssuer.accessClaims("alice", NOW),
        new com.nimbusds.jose.crypto.MACSigner(oct));
    assertThat(accepts(v, hs)).isFalse();
    assertThat(accepts(v, rs256("rsa-1", rsa))).isTrue();
  }

  @Test
  @SuppressWarnings("deprecation") // RSASSASigner(key, allowWeakKey): to sign with the short key
  @DisplayName("RSA below 2048 bits, EC on P-384: never used")
  void weakOrOtherCurveKeys() throws Exception {
    RSAKey weak = new RSAKeyGenerator(1024, true).keyID("weak").generate();
    ECKey p384 = new ECKeyGenerator(Curve.P_384).keyID("p384").generate();
    UserTokenVerifier v = verifier(weak.toPublicJWK().toJSONString(), p384.toPublicJWK().toJSONString());
    assertThat(accepts(v, LocalIssuer.sign(JWSAlgorithm.RS256, "weak", LocalIssuer.accessClaims("alice", NOW),
        new RSASSASigner(weak, true)))).isFalse();
    String es = LocalIssuer.sign(JWSAlgorithm.ES384, "p384", LocalIssuer.accessClaims("alice", NOW), new ECDSASigner(p384));
    assertThat(accepts(v, es)).isFalse();
  }

  private static String withExponent(String kid, BigInteger e) {
    return "{\"kty\":\"RSA\",\"kid\":\"" + kid + "\",\"n\":\"" + rsa.getModulus() + "\",\"e\":\""
        + Base64URL.encode(e.toByteArray()) + "\"}";
  }

  /**
   * With {@code e = 1}, RSA verification of a PKCS#1 v1.5 signature reduces to comparing the
   * signature with the encoded digest: anyone could forge one. Such a key is never used.
   */
  @Test
  @DisplayName("attack: a JWKS key with e = 1 would accept the encoded digest as a signature; it is never used")
  void exponentOneCannotForgeSignatures() {
    String input = Minter.b64("{\"alg\":\"RS256\",\"kid\":\"e1\"}") + "."
        + Minter.b64(Minter.json(LocalIssuer.accessClaims("mallory", NOW)));
    byte[] digestInfo = HexFormat.of().parseHex("3031300d060960864801650304020105000420");
    byte[] hash = Sha256.digest(input.getBytes(StandardCharsets.US_ASCII));
    ByteArrayOutputStream em = new ByteArrayOutputStream();
    em.write(0);
    em.write(1);
    for (int i = 0; i < 256 - 3 - digestInfo.length - hash.length; i++) {
      em.write(0xFF);
    }
    em.write(0);
    em.writeBytes(digestInfo);
    em.writeBytes(hash);
    String forged = input + "." + Base64Url.encode(em.toByteArray());
    assertThat(accepts(verifier(withExponent("e1", BigInteger.ONE)), forged)).isFalse();
  }

  @ParameterizedTest(name = "e = {0}")
  @ValueSource(strings = {"1", "65536", "34359738369"})
  @DisplayName("RSA exponents outside odd 3..32 bits are never used")
  void unusableExponents(String e) throws Exception {
    UserTokenVerifier v = verifier(withExponent("e", new BigInteger(e)), ec.toPublicJWK().toJSONString());
    assertThat(accepts(v, rs256("e", rsa))).isFalse();
    assertThat(accepts(v, es256("ec-1"))).isTrue();
  }

  @Test
  @DisplayName("an RSA modulus above 16384 bits is never used")
  void hugeModulus() throws Exception {
    BigInteger huge = BigInteger.ONE.shiftLeft(16_400).add(BigInteger.ONE);
    String entry = "{\"kty\":\"RSA\",\"kid\":\"huge\",\"n\":\"" + Base64URL.encode(huge.toByteArray()) + "\",\"e\":\"AQAB\"}";
    UserTokenVerifier v = verifier(entry, ec.toPublicJWK().toJSONString());
    assertThat(accepts(v, rs256("huge", rsa))).isFalse();
    assertThat(accepts(v, es256("ec-1"))).isTrue();
  }

  @Test
  @DisplayName("an EC point that is not on P-256 verifies nothing")
  void offCurvePoint() throws Exception {
    BigInteger y = ec.getY().decodeToBigInteger().add(BigInteger.ONE);
    byte[] raw = y.toByteArray();
    byte[] y32 = new byte[32];
    System.arraycopy(raw, Math.max(0, raw.length - 32), y32, Math.max(0, 32 - raw.length), Math.min(32, raw.length));
    String off = "{\"kty\":\"EC\",\"kid\":\"ec-1\",\"crv\":\"P-256\",\"x\":\"" + ec.getX() + "\",\"y\":\""
        + Base64URL.encode(y32) + "\"}";
    assertThat(accepts(verifier(off), es256("ec-1"))).isFalse();
  }

  @Test
  @DisplayName("key type must fit the algorithm: ES256 naming an RSA key, RS256 naming an EC key")
  void keyTypeFitsTheAlgorithm() throws Exception {
    UserTokenVerifier v = verifier(rsaEntry("rsa-1", b -> b), ec.toPublicJWK().toJSONString());
    String[] es = es256("ec-1").split("\\.");
    assertThat(accepts(v, Minter.b64("{\"alg\":\"ES256\",\"kid\":\"rsa-1\"}") + "." + es[1] + "." + es[2])).isFalse();
    String[] rs = rs256("rsa-1", rsa).split("\\.");
    assertThat(accepts(v, Minter.b64("{\"alg\":\"RS256\",\"kid\":\"ec-1\"}") + "." + rs[1] + "." + rs[2])).isFalse();
  }
}
