package dev.edgeperimeter.authorizer.usertoken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.KeyOperation;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import dev.edgeperimeter.authorizer.usertoken.JwksCache.JwkKey;
import java.math.BigInteger;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The JWKS reader: which entries become verification keys (the same public keys Nimbus derives),
 * which are dropped, and which documents are refused whole.
 */
@DisplayName("JWKS document: strict streaming read into JCA keys")
class JwksDocumentTest {
  private static RSAKey rsa;
  private static ECKey ec;

  @BeforeAll
  static void keys() throws Exception {
    rsa = new RSAKeyGenerator(2048).keyID("rsa-1").keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256).generate();
    ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
  }

  private static Map<String, JwkKey> parse(String json) {
    return JwksCache.parse(json, w -> { });
  }

  private static String jwks(String... entries) {
    return "{\"keys\":[" + String.join(",", entries) + "]}";
  }

  @Test
  @DisplayName("RSA and P-256 entries give the same public keys as Nimbus")
  void sameKeysAsNimbus() throws Exception {
    Map<String, JwkKey> keys = parse(jwks(rsa.toPublicJWK().toJSONString(), ec.toPublicJWK().toJSONString()));
    assertThat(keys.get("rsa-1").publicKey().getEncoded()).isEqualTo(rsa.toPublicKey().getEncoded());
    assertThat(keys.get("rsa-1").alg()).isEqualTo("RS256");
    assertThat(keys.get("rsa-1").kty()).isEqualTo("RSA");
    assertThat(keys.get("ec-1").publicKey().getEncoded()).isEqualTo(ec.toPublicKey().getEncoded());
    assertThat(keys.get("ec-1").alg()).isNull();
  }

  @Test
  @DisplayName("private members are ignored: only the public key is kept")
  void privateMembersIgnored() throws Exception {
    Map<String, JwkKey> keys = parse(jwks(rsa.toJSONString()));
    assertThat(keys.get("rsa-1").publicKey().getEncoded()).isEqualTo(rsa.toPublicKey().getEncoded());
  }

  @Test
  @DisplayName("dropped: encryption keys, key_ops without verify, symmetric, weak RSA, other algs and curves")
  void droppedEntries() throws Exception {
    String enc = new RSAKeyGenerator(2048).keyID("enc").keyUse(KeyUse.ENCRYPTION).generate().toPublicJWK().toJSONString();
    String signOnly = new RSAKey.Builder(rsa.toRSAPublicKey()).keyID("ops").keyOperations(Set.of(KeyOperation.SIGN))
        .build().toJSONString();
    String verifyOps = new RSAKey.Builder(rsa.toRSAPublicKey()).keyID("ops-ok").keyOperations(Set.of(KeyOperation.VERIFY))
        .build().toJSONString();
    String oct = new OctetSequenceKeyGenerator(256).keyID("oct").generate().toJSONString();
    String weak = new RSAKeyGenerator(1024, true).keyID("weak").generate().toPublicJWK().toJSONString();
    String rs512 = new RSAKey.Builder(rsa.toRSAPublicKey()).keyID("rs512").algorithm(JWSAlgorithm.RS512).build()
        .toJSONString();
    String p384 = new ECKeyGenerator(Curve.P_384).keyID("p384").generate().toPublicJWK().toJSONString();
    String noKid = new RSAKey.Builder(rsa.toRSAPublicKey()).build().toJSONString();
    String numericKid = rsa.toPublicJWK().toJSONString().replace("\"kid\":\"rsa-1\"", "\"kid\":7");
    Map<String, JwkKey> keys = parse(jwks(enc, signOnly, verifyOps, oct, weak, rs512, p384, noKid, numericKid, "17"));
    assertThat(keys).containsOnlyKeys("ops-ok");
  }

  @Test
  @DisplayName("RSA exponents: odd, from 3 to 32 bits (what the JDK and ACCP both accept); e = 1 never")
  void rsaExponents() {
    String n = rsa.getModulus().toString();
    java.util.function.Function<BigInteger, String> withE = e -> "{\"kty\":\"RSA\",\"kid\":\"e" + e + "\",\"n\":\""
        + n + "\",\"e\":\"" + Base64URL.encode(e.toByteArray()) + "\"}";
    Map<String, JwkKey> keys = parse(jwks(withE.apply(BigInteger.ONE), withE.apply(BigInteger.valueOf(3)),
        withE.apply(BigInteger.valueOf(65_536)), withE.apply(BigInteger.ONE.shiftLeft(35).add(BigInteger.ONE))));
    assertThat(keys).containsOnlyKeys("e3");
  }

  @Test
  @DisplayName("an RSA modulus above 16384 bits is dropped")
  void hugeModulus() {
    BigInteger huge = BigInteger.ONE.shiftLeft(16_400).add(BigInteger.ONE);
    String entry = "{\"kty\":\"RSA\",\"kid\":\"huge\",\"n\":\"" + Base64URL.encode(huge.toByteArray())
        + "\",\"e\":\"AQAB\"}";
    assertThat(parse(jwks(entry))).isEmpty();
  }

  @Test
  @DisplayName("an EC point that is not on P-256, or a short coordinate, is dropped")
  void offCurve() {
    Base64URL x = ec.getX();
    BigInteger y = ec.getY().decodeToBigInteger().add(BigInteger.ONE);
    String off = "{\"kty\":\"EC\",\"kid\":\"off\",\"crv\":\"P-256\",\"x\":\"" + x + "\",\"y\":\""
        + Base64URL.encode(unsigned32(y)) + "\"}";
    String shortX = "{\"kty\":\"EC\",\"kid\":\"short\",\"crv\":\"P-256\",\"x\":\"" + Base64URL.encode(new byte[31])
        + "\",\"y\":\"" + ec.getY() + "\"}";
    assertThat(parse(jwks(off, shortX))).isEmpty();
  }

  @Test
  @DisplayName("base64url with padding is accepted for key material")
  void paddedMaterial() {
    String n = rsa.getModulus().toString();
    String padded = rsa.toPublicJWK().toJSONString().replace("\"n\":\"" + n + "\"", "\"n\":\"" + n + "==\"");
    assertThat(parse(jwks(padded))).containsKey("rsa-1");
  }

  @Test
  @DisplayName("refused whole: not an object, no keys array, duplicate members, trailing content")
  void notAJwks() {
    for (String bad : new String[] {"[]", "{}", "{\"keys\":{}}", "{\"keys\":[],\"keys\":[]}", "{\"keys\":[]} x", "",
        "{\"keys\":[", "null"}) {
      assertThatThrownBy(() -> parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Property(tries = 500)
  @net.jqwik.api.Label("any input: a key map or IllegalArgumentException, nothing else")
  void neverFailsOtherwise(@ForAll("jsonish") String input) {
    try {
      parse(input);
    } catch (IllegalArgumentException expected) {
      // refused
    }
  }

  @Provide
  Arbitrary<String> jsonish() {
    String valid = jwks(rsa.toPublicJWK().toJSONString(), ec.toPublicJWK().toJSONString());
    return Arbitraries.oneOf(
        Arbitraries.strings().withChars("{}[]\":,0123456789abcdefkyntxe-_ \\").ofMaxLength(200),
        Arbitraries.integers().between(0, valid.length() - 1).map(cut -> valid.substring(0, cut)),
        Arbitraries.integers().between(0, valid.length() - 1)
            .map(at -> valid.substring(0, at) + "\"" + valid.substring(at)));
  }

  private static byte[] unsigned32(BigInteger v) {
    byte[] raw = v.toByteArray();
    byte[] out = new byte[32];
    int n = Math.min(32, raw.length);
    System.arraycopy(raw, raw.length - n, out, 32 - n, n);
    return out;
  }
}
