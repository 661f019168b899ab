package dev.edgeperimeter.bench.auth;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.edgeperimeter.shared.crypto.Base64Url;
import dev.edgeperimeter.shared.json.JsonLimits;
import dev.edgeperimeter.testsupport.EdgeAssertionSigner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;

/**
 * Everything the authorizer benchmarks verify, generated once per run by the runner and read by
 * the JMH fork and by the Node peer from one JSON file, so both sides verify the very same tokens.
 *
 * <p>User tokens look like Cognito access tokens (RS256 with an RSA 2048 key, ES256 with a P-256
 * key, signed by Nimbus), valid for 24 hours from {@code now}; edge assertions follow contract
 * section 2 ({@code {"alg":"HS256","typ":"edge+jwt","kid":...}}), issued at {@code now} and checked
 * by the benchmarks against a clock fixed at {@code now}.
 *
 * @param now            epoch seconds the tokens were issued at
 * @param issuer         the OIDC issuer of the user tokens
 * @param audience       their audience ({@code aud} and Cognito {@code client_id})
 * @param jwks           the public JWKS (one RSA and one EC key)
 * @param rs256Tokens    distinct RS256 tokens
 * @param es256Tokens    distinct ES256 tokens
 * @param edgeKid        the shared key's id
 * @param edgeKey        the shared key's 32 bytes, base64url
 * @param edgeIssuer     the assertions' {@code iss}
 * @param edgeAudience   the assertions' {@code aud}
 * @param method         request method of every assertion
 * @param path           request path of every assertion
 * @param methodArn      the REST API method ARN of that request
 * @param edgeAssertions assertions without {@code ath} (edge mode, no bearer token)
 * @param boundAssertions assertions whose {@code ath} binds {@code rs256Tokens[0]} (edge+jwt mode)
 */
public record TokenFixtures(
    long now,
    String issuer,
    String audience,
    String jwks,
    List<String> rs256Tokens,
    List<String> es256Tokens,
    String edgeKid,
    String edgeKey,
    String edgeIssuer,
    String edgeAudience,
    String method,
    String path,
    String methodArn,
    List<String> edgeAssertions,
    List<String> boundAssertions) {

  public static final String ISSUER = "https://issuer.bench.invalid/pool";
  public static final String AUDIENCE = "bench-client";
  public static final String EDGE_KID = "bench-2025-01";
  public static final String EDGE_ISSUER = "akamai-edgeworker:1234567";
  public static final String EDGE_AUDIENCE = "orders-api";

  private static final ObjectMapper JSON = new ObjectMapper(JsonLimits.FACTORY);

  /** Generates fresh keys and {@code tokenCount} tokens of each kind, issued now. */
  public static TokenFixtures generate(int tokenCount, int assertionCount) {
    try {
      RSAKey rsa = new RSAKeyGenerator(2048).keyID("bench-rsa").keyUse(KeyUse.SIGNATURE)
          .algorithm(JWSAlgorithm.RS256).generate();
      ECKey ec = new ECKeyGenerator(Curve.P_256).keyID("bench-ec").keyUse(KeyUse.SIGNATURE)
          .algorithm(JWSAlgorithm.ES256).generate();
      long now = System.currentTimeMillis() / 1000;
      List<String> rs = new ArrayList<>(tokenCount);
      List<String> es = new ArrayList<>(tokenCount);
      RSASSASigner rsSigner = new RSASSASigner(rsa);
      ECDSASigner esSigner = new ECDSASigner(ec);
      for (int i = 0; i < tokenCount; i++) {
        rs.add(userToken(rsSigner, JWSAlgorithm.RS256, rsa.getKeyID(), now, i));
        es.add(userToken(esSigner, JWSAlgorithm.ES256, ec.getKeyID(), now, i));
      }
      byte[] material = new byte[32];
      new SecureRandom().nextBytes(material);
      MACSigner mac = new MACSigner(material);
      String method = "GET";
      String path = "/orders/42";
      List<String> edge = new ArrayList<>(assertionCount);
      List<String> bound = new ArrayList<>(assertionCount);
      String ath = EdgeAssertionSigner.accessTokenHash(rs.get(0));
      for (int i = 0; i < assertionCount; i++) {
        edge.add(assertion(mac, now, "edge-" + i, method, path, null, "user-0"));
        bound.add(assertion(mac, now, "bound-" + i, method, path, ath, "user-0"));
      }
      String jwks = new JWKSet(List.of(rsa.toPublicJWK(), ec.toPublicJWK())).toString(true);
      return new TokenFixtures(now, ISSUER, AUDIENCE, jwks, rs, es, EDGE_KID, Base64Url.encode(material),
          EDGE_ISSUER, EDGE_AUDIENCE, method, path,
          "arn:aws:execute-api:us-east-1:123456789012:abcdef1234/prod/GET/orders/42", edge, bound);
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot generate benchmark tokens: " + e.getMessage(), e);
    }
  }

  /** A Cognito-style access token for user {@code i}, valid 24 h. */
  private static String userToken(com.nimbusds.jose.JWSSigner signer, JWSAlgorithm alg, String kid, long now, int i)
      throws JOSEException {
    JWTClaimsSet claims = new JWTClaimsSet.Builder()
        .subject("user-" + i)
        .issuer(ISSUER)
        .audience(AUDIENCE)
        .claim("client_id", AUDIENCE)
        .claim("token_use", "access")
        .claim("scope", "orders:read orders:write profile")
        .claim("auth_time", now - 60)
        .claim("username", "bench-user-" + i)
        .claim("origin_jti", "c0ffee00-0000-4000-8000-" + String.format("%012d", i))
        .claim("version", 2)
        .issueTime(new Date((now - 60) * 1000))
        .expirationTime(new Date((now + 86_400) * 1000))
        .jwtID("jti-" + i + "-" + Long.toHexString(now))
        .build();
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(kid).type(JOSEObjectType.JWT).build(), claims);
    jwt.sign(signer);
    return jwt.serialize();
  }

  /** An edge assertion per contract section 2, issued at {@code now}, valid 120 s. */
  public static String assertion(MACSigner mac, long now, String jti, String method, String path, String ath,
      String sub) throws JOSEException {
    JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
        .issuer(EDGE_ISSUER)
        .audience(EDGE_AUDIENCE)
        .issueTime(new Date(now * 1000))
        .expirationTime(new Date((now + 120) * 1000))
        .jwtID(jti)
        .claim("htm", method)
        .claim("htu", path)
        .claim("sub", sub)
        .claim("scope", "orders:read")
        .claim("epc", List.of("jwt", "rate"));
    if (ath != null) {
      claims.claim("ath", ath);
    }
    JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.HS256).type(new JOSEObjectType("edge+jwt"))
        .keyID(EDGE_KID).build();
    // "aud" must be a JSON string, not an array (contract section 2)
    Map<String, Object> json = claims.build().toJSONObject();
    json.put("aud", EDGE_AUDIENCE);
    com.nimbusds.jose.JWSObject jws = new com.nimbusds.jose.JWSObject(header, new com.nimbusds.jose.Payload(json));
    jws.sign(mac);
    return jws.serialize();
  }

  public void write(Path file) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), this);
  }

  public static TokenFixtures read(Path file) throws IOException {
    return JSON.readValue(Files.readAllBytes(file), TokenFixtures.class);
  }

  /** The shared key's bytes. */
  public byte[] edgeKeyBytes() {
    return java.util.Base64.getUrlDecoder().decode(edgeKey);
  }
}
