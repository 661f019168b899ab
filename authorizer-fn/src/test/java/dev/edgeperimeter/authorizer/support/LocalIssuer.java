package dev.edgeperimeter.authorizer.support;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSetUnavailableException;
import com.nimbusds.jose.proc.SecurityContext;
import dev.edgeperimeter.authorizer.usertoken.IssuerKeys;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An OIDC issuer in memory: RSA and EC signing keys, a JWKS served to Nimbus from memory
 * ({@link #source()}: each fetch counted, switchable to failing as an unreachable IdP), and tokens
 * with any claims.
 */
public final class LocalIssuer {
  public static final String ISSUER = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Local";
  public static final String CLIENT_ID = "local-client-1";

  public final RSAKey rsa;
  public final ECKey ec;
  private final List<JWK> published = new ArrayList<>();
  private final AtomicInteger fetches = new AtomicInteger();
  private volatile boolean down;

  private static final RSAKey RSA_KEY;
  private static final ECKey EC_KEY;

  static {
    try {
      RSA_KEY = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
      EC_KEY = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A fresh JWKS publishing the (per test run generated) RSA and EC keys. */
  public LocalIssuer() {
    rsa = RSA_KEY;
    ec = EC_KEY;
    published.add(rsa.toPublicJWK());
    published.add(ec.toPublicJWK());
  }

  public void publish(JWK key) {
    published.add(key);
  }

  public void unpublishAll() {
    published.clear();
  }

  public String jwksJson() {
    fetches.incrementAndGet();
    return new JWKSet(new ArrayList<>(published)).toString(false);
  }

  public int fetches() {
    return fetches.get();
  }

  /** While {@code down}, every JWKS fetch fails as an unreachable IdP's would. */
  public void down(boolean down) {
    this.down = down;
  }

  /** The JWKS as a Nimbus source: what the authorizer's {@link IssuerKeys} fetch over https in Lambda. */
  public JWKSetSource<SecurityContext> source() {
    return JwksSources.serving(() -> {
      if (down) {
        fetches.incrementAndGet();
        throw new JWKSetUnavailableException("connection refused (the IdP is down)", null);
      }
      return JwksSources.parse(jwksJson(), "JWKS is not parseable");
    });
  }

  /** The issuer's keys as the authorizer holds them (Nimbus caching), {@code MAX_STALENESS_SECONDS} 900. */
  public IssuerKeys issuerKeys() {
    return issuerKeys(Duration.ofSeconds(900));
  }

  public IssuerKeys issuerKeys(Duration maxStaleness) {
    return IssuerKeys.of(source(), maxStaleness, warning -> { });
  }

  /** Claims of a Cognito access token for {@code sub} valid at {@code now}. */
  public static Map<String, Object> accessClaims(String sub, long now) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("sub", sub);
    c.put("iss", ISSUER);
    c.put("client_id", CLIENT_ID);
    c.put("token_use", "access");
    c.put("scope", "orders:read orders:write");
    c.put("iat", now - 60);
    c.put("exp", now + 3600);
    c.put("jti", "tok-1");
    return c;
  }

  /** Claims of an OIDC id token (aud) for {@code sub}. */
  public static Map<String, Object> idClaims(String sub, long now) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("sub", sub);
    c.put("iss", ISSUER);
    c.put("aud", CLIENT_ID);
    c.put("token_use", "id");
    c.put("iat", now - 60);
    c.put("exp", now + 3600);
    return c;
  }

  public String rs256(Map<String, Object> claims) {
    return sign(JWSAlgorithm.RS256, rsa.getKeyID(), claims, signer(rsa));
  }

  public String ps256(Map<String, Object> claims) {
    return sign(JWSAlgorithm.PS256, rsa.getKeyID(), claims, signer(rsa));
  }

  public String es256(Map<String, Object> claims) {
    return sign(JWSAlgorithm.ES256, ec.getKeyID(), claims, signer(ec));
  }

  public static String sign(JWSAlgorithm alg, String kid, Map<String, Object> claims, JWSSigner signer) {
    try {
      JWSObject jws = new JWSObject(new JWSHeader.Builder(alg).keyID(kid).type(JOSEObjectType.JWT).build(),
          new Payload(Minter.json(claims)));
      jws.sign(signer);
      return jws.serialize();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static JWSSigner signer(JWK key) {
    try {
      return key instanceof RSAKey r ? new RSASSASigner(r) : new ECDSASigner((ECKey) key);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
