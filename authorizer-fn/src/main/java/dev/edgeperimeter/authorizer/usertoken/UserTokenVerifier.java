package dev.edgeperimeter.authorizer.usertoken;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.edgeperimeter.authorizer.core.AuthorizerConfig.SignatureProvider;
import dev.edgeperimeter.authorizer.core.AuthorizerConfig.TokenUse;
import dev.edgeperimeter.authorizer.core.Reason;
import dev.edgeperimeter.authorizer.core.Rejection;
import dev.edgeperimeter.shared.crypto.Base64Url;
import dev.edgeperimeter.shared.json.JsonLimits;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Verifies the user's bearer token (contract step 7): a JWS signed by the configured OIDC issuer.
 *
 * <ul>
 *   <li>{@code alg} must be RS256, ES256 or PS256 - {@code none} and every {@code HS*} are refused
 *       before any key is touched, so an RSA public key can never be used as an HMAC secret; the
 *       key's type must fit the algorithm and its JWK {@code alg}, when present, must equal it.</li>
 *   <li>The signature is checked with the JCA directly over the signing input, with the
 *       {@link java.security.PublicKey} cached per {@code kid} by {@link JwksCache}; the claims are
 *       parsed once, by streaming.</li>
 *   <li>{@code iss} equal, {@code exp} / {@code nbf} with the clock skew, {@code aud} containing a
 *       configured audience, or for Cognito access tokens ({@code token_use=access}) {@code client_id}
 *       being one; {@code token_use} as configured; configured claims present.</li>
 *   <li>A verified token is cached, keyed by its SHA-256, for at most
 *       {@code min(remaining lifetime, TOKEN_CACHE_SECONDS)}.</li>
 * </ul>
 */
public final class UserTokenVerifier {
  /** Largest accepted token, in characters. */
  public static final int MAX_TOKEN_LENGTH = 8192;
  /** Most tokens held in the verified-token cache. */
  public static final int MAX_CACHED_TOKENS = 10_000;

  private static final PSSParameterSpec PS256 = new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1);
  private final PerThreadSignature rs256;
  private final PerThreadSignature es256;
  private final PerThreadSignature ps256;

  private final String issuer;
  private final Set<String> audiences;
  private final TokenUse tokenUse;
  private final List<String> requiredClaims;
  private final long skewSeconds;
  private final long cacheMillis;
  private final JwksCache jwks;
  private final Clock clock;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  private record Cached(UserToken token, long untilMillis) {
  }

  /**
   * @param verified a token and whether the JWKS behind it was served degraded
   */
  public record Result(UserToken token, boolean degraded) {
  }

  public UserTokenVerifier(String issuer, Set<String> audiences, TokenUse tokenUse, List<String> requiredClaims,
      Duration skew, Duration cacheTtl, JwksCache jwks, Clock clock) {
    this(issuer, audiences, tokenUse, requiredClaims, skew, cacheTtl, jwks, clock, SignatureProvider.ACCP);
  }

  /**
   * @param provider {@code ACCP}: signatures verified by ACCP once it has loaded (see
   *                 {@link SignatureProviders}), by the JDK until then; {@code JDK}: by the JDK always
   */
  public UserTokenVerifier(String issuer, Set<String> audiences, TokenUse tokenUse, List<String> requiredClaims,
      Duration skew, Duration cacheTtl, JwksCache jwks, Clock clock, SignatureProvider provider) {
    boolean accelerate = provider == SignatureProvider.ACCP;
    this.rs256 = new PerThreadSignature("SHA256withRSA", null, accelerate);
    this.es256 = new PerThreadSignature("SHA256withECDSAinP1363Format", null, accelerate);
    this.ps256 = new PerThreadSignature("RSASSA-PSS", PS256, accelerate);
    this.issuer = issuer;
    this.audiences = Set.copyOf(audiences);
    this.tokenUse = tokenUse;
    this.requiredClaims = List.copyOf(requiredClaims);
    this.skewSeconds = skew.toSeconds();
    this.cacheMillis = cacheTtl.toMillis();
    this.jwks = jwks;
    this.clock = clock;
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
      throw new Rejection(Reason.USER_TOKEN_INVALID);
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
    Result result = verifyUncached(token, nowMillis / 1000);
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

  /** Number of tokens currently cached. */
  public int cachedTokens() {
    return cache.size();
  }

  private Result verifyUncached(String token, long now) throws Rejection {
    int d1 = token.indexOf('.');
    int d2 = d1 < 0 ? -1 : token.indexOf('.', d1 + 1);
    if (d1 <= 0 || d2 < 0 || d2 == d1 + 1 || token.indexOf('.', d2 + 1) >= 0 || d2 == token.length() - 1) {
      throw invalid();
    }
    // each part strict base64url (null otherwise), checked and decoded in one pass
    byte[] headerJson = Base64Url.decodeOrNull(token, 0, d1);
    byte[] claimsJson = Base64Url.decodeOrNull(token, d1 + 1, d2);
    byte[] signature = Base64Url.decodeOrNull(token, d2 + 1, token.length());
    if (headerJson == null || claimsJson == null || signature == null) {
      throw invalid();
    }
    // header: alg pinned to the asymmetric allow-list before anything else
    String alg = null;
    String kid = null;
    try (JsonParser p = JsonLimits.FACTORY.createParser(headerJson)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw invalid();
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        switch (name) {
          case "alg" -> alg = t == JsonToken.VALUE_STRING ? p.getText() : null;
          case "kid" -> kid = t == JsonToken.VALUE_STRING ? p.getText() : null;
          case "crit" -> throw invalid();
          default -> { }
        }
        p.skipChildren();
      }
      if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
        throw invalid();
      }
    } catch (IOException | RuntimeException e) {
      throw invalid();
    }
    if (alg == null || kid == null || !(alg.equals("RS256") || alg.equals("ES256") || alg.equals("PS256"))) {
      throw invalid();
    }
    JwksCache.Match match = jwks.find(kid);
    JwksCache.JwkKey key = match.key();
    boolean fits = alg.equals("ES256") ? key.kty().equals("EC") : key.kty().equals("RSA");
    if (!fits || (key.alg() != null && !key.alg().equals(alg))) {
      throw invalid();
    }
    if (alg.equals("ES256") && signature.length != 64) {
      throw invalid();
    }
    Signature verifier = switch (alg) {
      case "RS256" -> rs256.get();
      case "PS256" -> ps256.get();
      default -> es256.get();
    };
    try {
      verifier.initVerify(key.publicKey());
      verifier.update(token.getBytes(StandardCharsets.US_ASCII), 0, d2); // ASCII: checked strict base64url above
      if (!verifier.verify(signature)) {
        throw invalid();
      }
    } catch (GeneralSecurityException | RuntimeException e) {
      throw invalid();
    }
    UserToken verified = checkClaims(claimsJson, now, kid);
    return new Result(verified, match.degraded());
  }

  private UserToken checkClaims(byte[] json, long now, String kid) throws Rejection {
    String iss = null;
    String sub = null;
    String scope = null;
    String clientId = null;
    String use = null;
    Long exp = null;
    Long nbf = null;
    List<String> aud = new ArrayList<>(2);
    Set<String> present = requiredClaims.isEmpty() ? null : new HashSet<>();
    try (JsonParser p = JsonLimits.FACTORY.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw invalid();
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        if (present != null && t != JsonToken.VALUE_NULL) {
          present.add(name);
        }
        switch (name) {
          case "iss" -> iss = text(p, t);
          case "sub" -> sub = text(p, t);
          case "client_id" -> clientId = text(p, t);
          case "token_use" -> use = text(p, t);
          case "scope" -> scope = text(p, t);
          case "scp" -> {
            if (scope == null) {
              scope = scopeList(p, t);
            } else {
              p.skipChildren();
            }
          }
          case "exp" -> exp = number(p, t);
          case "nbf" -> nbf = number(p, t);
          case "aud" -> {
            if (t == JsonToken.VALUE_STRING) {
              aud.add(p.getText());
            } else if (t == JsonToken.START_ARRAY) {
              JsonToken e;
              while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
                if (e != JsonToken.VALUE_STRING) {
                  throw invalid();
                }
                aud.add(p.getText());
              }
            } else {
              throw invalid();
            }
          }
          default -> p.skipChildren();
        }
      }
      if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
        throw invalid();
      }
    } catch (IOException | RuntimeException e) {
      throw invalid();
    }
    if (!issuer.equals(iss) || exp == null || exp <= now - skewSeconds || (nbf != null && nbf > now + skewSeconds)) {
      throw invalid();
    }
    switch (tokenUse) {
      case ACCESS -> {
        if (!"access".equals(use)) {
          throw invalid();
        }
      }
      case ID -> {
        if (!"id".equals(use)) {
          throw invalid();
        }
      }
      case ANY -> {
        if (use != null && !use.equals("access") && !use.equals("id")) {
          throw invalid();
        }
      }
    }
    boolean audienceOk = false;
    for (String a : aud) {
      if (audiences.contains(a)) {
        audienceOk = true;
        break;
      }
    }
    if (!audienceOk && "access".equals(use) && clientId != null && audiences.contains(clientId)) {
      audienceOk = true;
    }
    if (!audienceOk) {
      throw invalid();
    }
    if (present != null && !present.containsAll(requiredClaims)) {
      throw invalid();
    }
    return new UserToken(sub, iss, scope, use, exp, kid);
  }

  private static String text(JsonParser p, JsonToken t) throws Rejection, IOException {
    if (t == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    throw invalid();
  }

  private static Long number(JsonParser p, JsonToken t) throws Rejection, IOException {
    if (t == JsonToken.VALUE_NUMBER_INT) {
      JsonParser.NumberType type = p.getNumberType();
      if (type == JsonParser.NumberType.INT || type == JsonParser.NumberType.LONG) {
        return p.getLongValue();
      }
    } else if (t == JsonToken.VALUE_NUMBER_FLOAT) {
      double d = p.getDoubleValue();
      if (Double.isFinite(d) && Math.abs(d) < 1e15) {
        return (long) Math.floor(d);
      }
    }
    throw invalid();
  }

  private static String scopeList(JsonParser p, JsonToken t) throws Rejection, IOException {
    if (t == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    if (t != JsonToken.START_ARRAY) {
      throw invalid();
    }
    StringBuilder sb = new StringBuilder();
    JsonToken e;
    while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
      if (e != JsonToken.VALUE_STRING) {
        throw invalid();
      }
      if (!sb.isEmpty()) {
        sb.append(' ');
      }
      sb.append(p.getText());
    }
    return sb.toString();
  }

  private static Rejection invalid() {
    return new Rejection(Reason.USER_TOKEN_INVALID);
  }
}
