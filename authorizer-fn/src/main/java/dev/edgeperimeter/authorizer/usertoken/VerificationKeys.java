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
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.Provider;
import java.security.PublicKey;
import java.util.ArrayList;
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
 * Each JWK's size and exponent checks and its JCA {@link PublicKey} are computed once and reused
 * while the JWK is in the set; the key is made by the verifying provider's own {@link KeyFactory}, so
 * a native provider (ACCP) converts it once, not on every signature check.
 */
final class VerificationKeys implements JWSKeySelector<SecurityContext> {
  static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256, JWSAlgorithm.PS256);
  static final int MIN_RSA_BITS = 2048;
  static final int MAX_RSA_BITS = 16384;
  private static final int MAX_CACHED_KEYS = 64;

  private final IssuerKeys keys;
  private final Provider provider;
  private final Map<JWK, Usable> usable = new ConcurrentHashMap<>();

  /** What is computed once per JWK: whether its size and parameters are acceptable, and its JCA key. */
  private record Usable(boolean acceptable, PublicKey key) {
  }

  /**
   * @param provider the JCA provider that verifies the signatures; {@code null} for the JDK's
   */
  VerificationKeys(IssuerKeys keys, Provider provider) {
    this.keys = keys;
    this.provider = provider;
  }

  @Override
  public List<? extends Key> selectJWSKeys(JWSHeader header, SecurityContext context) throws KeySourceException {
    JWSAlgorithm alg = header.getAlgorithm();
    String kid = header.getKeyID();
    if (!ALGORITHMS.contains(alg) || kid == null) {
      return List.of();
    }
    List<JWK> named;
    try {
      named = keys.select(new JWKMatcher.Builder().keyID(kid).build());
    } catch (RateLimitReachedException e) {
      return List.of(); // an unknown kid again within the refetch interval: no key, not an outage
    }
    if (named.size() != 1 || !fits(named.get(0), alg)) {
      return List.of();
    }
    Usable u = usable(named.get(0));
    return u.acceptable() ? List.of(u.key()) : List.of();
  }

  /**
   * Checks and converts every key of the issuer's current JWKS now (SnapStart priming), so the first
   * token signed with any of them finds its JCA key ready; returns the usable ones.
   */
  List<JWK> prepare() throws KeySourceException {
    List<JWK> ready = new ArrayList<>();
    for (JWK jwk : keys.select(new JWKMatcher.Builder().build())) {
      if ((jwk instanceof RSAKey || jwk instanceof ECKey) && usable(jwk).acceptable()) {
        ready.add(jwk);
      }
    }
    return ready;
  }

  /** The checks that depend on the token's algorithm (cheap: no key material decoded). */
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
    return jwk.getAlgorithm() == null || alg.equals(jwk.getAlgorithm());
  }

  /** The checks of the key material itself: RSA size and exponent, EC curve. */
  private static boolean acceptable(JWK jwk) {
    if (jwk instanceof RSAKey rsa) {
      BigInteger e = rsa.getPublicExponent().decodeToBigInteger();
      int bits = rsa.size();
      return bits >= MIN_RSA_BITS && bits <= MAX_RSA_BITS && e.testBit(0) && e.bitLength() >= 2 && e.bitLength() <= 32;
    }
    return jwk instanceof ECKey ec && Curve.P_256.equals(ec.getCurve());
  }

  /** The key as the verifying provider's own key object (the JDK's key where the provider cannot translate it). */
  private PublicKey forProvider(PublicKey key) {
    if (provider == null) {
      return key;
    }
    try {
      return (PublicKey) KeyFactory.getInstance(key.getAlgorithm(), provider).translateKey(key);
    } catch (GeneralSecurityException | RuntimeException e) {
      return key;
    }
  }

  private Usable usable(JWK jwk) throws KeySourceException {
    Usable cached = usable.get(jwk);
    if (cached != null) {
      return cached;
    }
    Usable u;
    try {
      boolean ok = acceptable(jwk);
      u = new Usable(ok, !ok ? null : forProvider(jwk instanceof RSAKey rsa ? rsa.toRSAPublicKey()
          : ((ECKey) jwk).toECPublicKey()));
    } catch (JOSEException e) {
      throw new KeySourceException("JWK " + jwk.getKeyID() + " is not a usable public key", e);
    }
    if (usable.size() >= MAX_CACHED_KEYS) {
      usable.clear(); // keys the issuer no longer publishes
    }
    usable.put(jwk, u);
    return u;
  }
}
