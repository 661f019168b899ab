package dev.edgeperimeter.authorizer.usertoken;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.edgeperimeter.authorizer.core.AuthorizerConfig.TokenUse;
import dev.edgeperimeter.authorizer.core.Reason;
import dev.edgeperimeter.authorizer.core.Rejection;
import dev.edgeperimeter.shared.crypto.Base64Url;
import dev.edgeperimeter.shared.json.JsonLimits;
import dev.edgeperimeter.shared.json.StrictUtf8;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.Provider;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Verifies the user's bearer token (contract step 7) with Nimbus JOSE+JWT: a JWS signed by the
 * configured OIDC issuer.
 *
 * <ul>
 *   <li>Before Nimbus sees it: at most {@link #MAX_TOKEN_LENGTH} characters, three parts of strict
 *       base64url, a header and claims that are UTF-8 (RFC 8725 section 3.7) JSON objects without
 *       duplicate members - the same strictness as the edge assertion and the EdgeWorker's own
 *       pre-check, so that edge and origin reach the same verdicts.</li>
 *   <li>Nimbus's {@link DefaultJWTProcessor} then selects the key ({@link VerificationKeys}: RS256,
 *       ES256, PS256 only, from the issuer's JWKS in {@link IssuerKeys}), verifies the signature
 *       through the JCA (ACCP or the JDK, {@link SignatureProviders}), refuses unknown {@code crit}
 *       headers, and runs the claim checks ({@link UserTokenClaims}).</li>
 *   <li>A verified token is cached, keyed by its SHA-256 (the {@code ath} value), for at most
 *       {@code min(remaining lifetime, TOKEN_CACHE_SECONDS)}.</li>
 * </ul>
 */
public final class UserTokenVerifier {
  /** Largest accepted token, in characters. */
  public static final int MAX_TOKEN_LENGTH = 8192;
  /** Most tokens held in the verified-token cache. */
  public static final int MAX_CACHED_TOKENS = 10_000;
  /** A JWS typed as the edge assertion is never a user token (RFC 8725 section 3.11). */
  private static final JOSEObjectType EDGE_ASSERTION_TYPE = new JOSEObjectType("edge+jwt");

  private final DefaultJWTProcessor<SecurityContext> processor;
  private final VerificationKeys selector;
  private final IssuerKeys keys;
  private final long cacheMillis;
  private final Clock clock;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  private record Cached(UserToken token, long untilMillis) {
  }

  /**
   * @param token    the verified token
   * @param degraded the JWKS behind it was served past its time to live because fetches failed
   */
  public record Result(UserToken token, boolean degraded) {
  }

  /**
   * @param provider the JCA provider of signature checks; {@code null} for the JDK's
   */
  public UserTokenVerifier(String issuer, Set<String> audiences, TokenUse tokenUse, List<String> requiredClaims,
      Duration skew, Duration cacheTtl, IssuerKeys keys, Clock clock, Provider provider) {
    this.keys = keys;
    this.cacheMillis = cacheTtl.toMillis();
    this.clock = clock;
    DefaultJWSVerifierFactory verifiers = new DefaultJWSVerifierFactory();
    verifiers.getJCAContext().setProvider(provider);
    JOSEObjectTypeVerifier<SecurityContext> anyTypeButEdge = (type, context) -> {
      if (EDGE_ASSERTION_TYPE.equals(type)) {
        throw new BadJOSEException("an edge assertion is not a user token");
      }
    };
    processor = new DefaultJWTProcessor<>();
    processor.setJWSTypeVerifier(anyTypeButEdge);
    selector = new VerificationKeys(keys, provider);
    processor.setJWSKeySelector(selector);
    processor.setJWSVerifierFactory(verifiers);
    processor.setJWTClaimsSetVerifier(new UserTokenClaims(issuer, audiences, tokenUse, requiredClaims, skew, clock));
  }

  /**
   * Verifies {@code token}.
   *
   * @param token     the bearer token, {@code null} when the request carries none
   * @param tokenHash base64url SHA-256 of the token (the value {@code ath} is compared with), the cache key
   * @throws Rejection {@code user_token_invalid}, or {@code jwks_unavailable}
   */
  public Result verify(String token, String tokenHash) throws Rejection {
    if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
      throw invalid();
    }
    long nowMillis = clock.millis();
    if (tokenHash != null && cacheMillis > 0) {
      Cached hit = cache.get(tokenHash);
      if (hit != null) {
        if (nowMillis < hit.untilMillis()) {
          return new Result(hit.token(), false);
        }
        cache.remove(tokenHash, hit);
      }
    }
    Result result = verifyUncached(token);
    if (tokenHash != null && cacheMillis > 0) {
      long exp = result.token().exp();
      long expMillis = exp >= Long.MAX_VALUE / 1000 ? Long.MAX_VALUE : exp * 1000;
      long until = Math.min(nowMillis + cacheMillis, expMillis);
      if (until > nowMillis) {
        if (cache.size() >= MAX_CACHED_TOKENS) {
          evict(nowMillis);
        }
        cache.put(tokenHash, new Cached(result.token(), until));
      }
    }
    return result;
  }

  private void evict(long nowMillis) {
    cache.values().removeIf(c -> c.untilMillis() <= nowMillis);
    if (cache.size() >= MAX_CACHED_TOKENS) {
      cache.clear();
    }
  }

  /**
   * Checks and converts the issuer's current keys for the verifying provider (SnapStart priming),
   * then runs the whole verification once per usable key on a synthetic token naming it, whose
   * signature the provider computes and refuses: the key's selection, the provider's form of the
   * key and its verify path are then ready for the first real token. Nothing is cached, and a key
   * a token could not name (no kid, an algorithm the contract refuses) is left out, so that no
   * unknown-kid refetch can happen. Whether at least one key is usable; the JWKS is fetched when
   * none is cached.
   */
  public boolean prepareKeys() {
    List<JWK> ready;
    try {
      ready = selector.prepare();
    } catch (KeySourceException e) {
      return false;
    }
    for (JWK key : ready) {
      try {
        refuseSyntheticToken(key);
      } catch (RuntimeException e) {
        // priming only: the first real token takes this path instead
      }
    }
    return !ready.isEmpty();
  }

  /**
   * One verification with {@code key}, on a signature that passes Nimbus's own checks and never
   * verifies; whether it ran (a key a token could not name is skipped).
   */
  boolean refuseSyntheticToken(JWK key) {
    JWSAlgorithm alg = key.getAlgorithm() != null ? JWSAlgorithm.parse(key.getAlgorithm().getName())
        : key instanceof ECKey ? JWSAlgorithm.ES256 : JWSAlgorithm.RS256;
    String kid = key.getKeyID();
    if (kid == null || !VerificationKeys.ALGORITHMS.contains(alg) || !StandardCharsets.UTF_8.newEncoder().canEncode(kid)) {
      return false;
    }
    // RSA: the modulus' length in bytes (not the JWK's encoded n, which may carry a leading zero);
    // ECDSA P-256: r and s of 32 bytes each, both 1 (Nimbus refuses a blank ECDSA signature before
    // the JCA sees it)
    byte[] signature;
    try {
      signature = new byte[key instanceof RSAKey rsa ? (rsa.toRSAPublicKey().getModulus().bitLength() + 7) / 8 : 64];
    } catch (JOSEException e) {
      return false;
    }
    signature[signature.length - 1] = 1;
    if (key instanceof ECKey) {
      signature[31] = 1;
    }
    String token = new JWSHeader.Builder(alg).keyID(kid).build().toBase64URL() + "."
        + Base64URL.encode("{\"iss\":\"snapstart-priming\"}") + "." + Base64URL.encode(signature);
    try {
      verifyUncached(token);
    } catch (Rejection refused) {
      // the synthetic signature never verifies
    }
    return true;
  }

  /** Number of tokens currently cached. */
  public int cachedTokens() {
    return cache.size();
  }

  private Result verifyUncached(String token) throws Rejection {
    int d1 = token.indexOf('.');
    int d2 = d1 < 0 ? -1 : token.indexOf('.', d1 + 1);
    if (d1 <= 0 || d2 < 0 || d2 == d1 + 1 || token.indexOf('.', d2 + 1) >= 0 || d2 == token.length() - 1) {
      throw invalid();
    }
    byte[] header = Base64Url.decodeOrNull(token, 0, d1);
    byte[] claims = header == null ? null : Base64Url.decodeOrNull(token, d1 + 1, d2);
    byte[] signature = claims == null ? null : Base64Url.decodeOrNull(token, d2 + 1, token.length());
    String headerJson = signature == null ? null : StrictUtf8.decodeOrNull(header);
    String claimsJson = headerJson == null ? null : StrictUtf8.decodeOrNull(claims);
    if (claimsJson == null || !strictJsonObject(headerJson) || !strictJsonObject(claimsJson)) {
      throw invalid();
    }
    JWTClaimsSet verified;
    SignedJWT jwt;
    try {
      // Nimbus parses and verifies the bytes decoded above (no second decode of the same text)
      jwt = new SignedJWT(new DecodedPart(token.substring(0, d1), header, headerJson),
          new DecodedPart(token.substring(d1 + 1, d2), claims, claimsJson),
          new DecodedPart(token.substring(d2 + 1), signature, null));
      verified = processor.process(jwt, null);
    } catch (KeySourceException e) {
      throw new Rejection(Reason.JWKS_UNAVAILABLE);
    } catch (ParseException | BadJOSEException | JOSEException | RuntimeException e) {
      throw invalid();
    }
    UserToken user;
    try {
      user = UserToken.of(verified, jwt.getHeader().getKeyID());
    } catch (ParseException | RuntimeException e) {
      throw invalid();
    }
    return new Result(user, keys.servingStale());
  }

  /**
   * A JSON object, nothing after it, no duplicate member, within the nesting limit. Parsed from the
   * decoded text, never from bytes: from bytes Jackson would guess UTF-16/32 from zero bytes and
   * check a different document than the one Nimbus reads.
   */
  private static boolean strictJsonObject(String text) {
    try (JsonParser p = JsonLimits.FACTORY.createParser(text)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return false;
      }
      p.skipChildren();
      return p.nextToken() == null;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static Rejection invalid() {
    return new Rejection(Reason.USER_TOKEN_INVALID);
  }
}
