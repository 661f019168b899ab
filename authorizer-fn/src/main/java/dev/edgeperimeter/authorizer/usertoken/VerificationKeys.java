package dev.edgeperimeter.authorizer.usertoken;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.KeyOperation;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import java.math.BigInteger;
import java.security.Key;
import java.security.PublicKey;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Picks the one key of the issuer's JWKS ({@link IssuerKeys}) that may verify a token, for Nimbus's
 * {@code DefaultJWTProcessor}:
 *
 * <ul>
 *   <li>the token's {@code alg} must be RS256, ES256 or PS256: {@code none} and every {@code HS*}
 *       find no key, so an RSA public key can never be used as an HMAC secret;</li>
 *   <li>the {@code kid} must name exactly one key of the set (a duplicated {@code kid} is ambiguous:
 *       no key), of the type the algorithm needs, for signing ({@code use} absent or {@code sig};
 *       {@code key_ops} absent or holding {@code verify}), with a JWK {@code alg}, when present,
 *       equal to the token's;</li>
 *   <li>RSA keys of 2048 to 16384 bits with a public exponent of 3 to 32 bits (odd), so that
 *       {@code e = 1} cannot make any signature verify and the JDK and ACCP reach the same verdict;
 *       EC keys on P-256 only (Nimbus checks the point is on the curve when it parses the JWKS).</li>
 * </ul>
 *
 * The JCA {@link PublicKey} of each JWK is built once and reused while the JWK is in the set.
 */
final class VerificationKeys implements JWSKeySelector<SecurityContext> {
  static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256, JWSAlgorithm.PS256);
  static final int MIN_RSA_BITS = 2048;
  static final int MAX_RSA_BITS = 16384;
  private static final int MAX_CACHED_KEYS = 64;

  private final IssuerKeys keys;
  private final Map<JWK, PublicKey> publicKeys = new ConcurrentHashMap<>();

  VerificationKeys(IssuerKeys keys) {
    this.keys = keys;
  }

  @Override
  public List<? extends Key> selectJWSKeys(JWSHeader header, SecurityContext context) throws KeySourceException {
    JWSAlgorithm alg = header.getAlgorithm();
    String kid = header.getKeyID();
    if (!ALGORITHMS.contains(alg) || kid == null) {
      return List.of();
    }
    List<JWK> named = keys.select(new JWKMatcher.Builder().keyID(kid).build());
    if (named.size() != 1 || !fits(named.get(0), alg)) {
      return List.of();
    }
    return List.of(publicKey(named.get(0)));
  }

  private static boolean fits(JWK jwk, JWSAlgorithm alg) {
    if (!KeyType.forAlgorithm(alg).equals(jwk.getKeyType())) {
      return false;
    }
    if (jwk.getKeyUse() != null && !KeyUse.SIGNATURE.equals(jwk.getKeyUse())) {
      return false;
    }
    Set<KeyOperation> ops = jwk.getKeyOperations();
    if (ops != null && !ops.contains(KeyOperation.VERIFY)) {
      return false;
    }
    if (jwk.getAlgorithm() != null && !alg.equals(jwk.getAlgorithm())) {
      return false;
    }
    if (jwk instanceof RSAKey rsa) {
      BigInteger e = rsa.getPublicExponent().decodeToBigInteger();
      int bits = rsa.size();
      return bits >= MIN_RSA_BITS && bits <= MAX_RSA_BITS && e.testBit(0) && e.bitLength() >= 2 && e.bitLength() <= 32;
    }
    return jwk instanceof ECKey ec && Curve.P_256.equals(ec.getCurve());
  }

  private PublicKey publicKey(JWK jwk) throws KeySourceException {
    PublicKey cached = publicKeys.get(jwk);
    if (cached != null) {
      return cached;
    }
    try {
      PublicKey key = jwk instanceof RSAKey rsa ? rsa.toRSAPublicKey() : ((ECKey) jwk).toECPublicKey();
      if (publicKeys.size() >= MAX_CACHED_KEYS) {
        publicKeys.clear(); // keys the issuer no longer publishes
      }
      publicKeys.put(jwk, key);
      return key;
    } catch (JOSEException e) {
      throw new KeySourceException("JWK " + jwk.getKeyID() + " is not a usable public key", e);
    }
  }
}
