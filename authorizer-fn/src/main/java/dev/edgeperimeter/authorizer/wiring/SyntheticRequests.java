package dev.edgeperimeter.authorizer.wiring;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import dev.edgeperimeter.authorizer.core.AuthorizerCore;
import dev.edgeperimeter.authorizer.keys.EdgeKey;
import dev.edgeperimeter.shared.crypto.Base64Url;
import dev.edgeperimeter.shared.crypto.Sha256;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.util.List;

/**
 * The constant, non-secret inputs of SnapStart priming: an edge key derived from a fixed label, a
 * user token signed once, offline, by a throwaway RSA key whose private half was never stored (only
 * its public key is here, in a JWKS no real request ever sees), and the three event shapes carrying
 * them. Nothing here is random, so nothing unique crosses the snapshot.
 */
final class SyntheticRequests {
  static final String ISSUER = "priming";
  static final String METHOD = "GET";
  static final String PATH = "/priming/1";
  static final String ARN = "arn:aws:execute-api:us-east-1:000000000000:priming/prod/GET/priming/1";
  static final byte[] EDGE_KEY = Sha256.digest("edge-perimeter/snapstart-priming".getBytes(StandardCharsets.UTF_8));

  /** RS256, kid {@code priming-rsa}, iss/aud/sub/scope {@code priming}, exp 2100-01-01. */
  static final String USER_TOKEN = "eyJraWQiOiJwcmltaW5nLXJzYSIsImFsZyI6IlJTMjU2In0"
      + ".eyJpc3MiOiJwcmltaW5nIiwiYXVkIjoicHJpbWluZyIsInN1YiI6InByaW1pbmciLCJleHAiOjQxMDI0NDQ4MDAsInNjb3BlIjoicHJpbWluZyJ9"
      + ".JvaEbQgv00-n_9nO5xbt_RWTiJW6FVPVlGvqFeLaXz1KQlhJZ5A8bi1QuFKwV1xEDtNy4rMRxBDapyfb79dj9xXgM8fXE8qMYvi2aD6c3_ya"
      + "CtBVDWxRDLtigXcr91J5tPUyYp3c1fxDQTD0PmbP7oYvv417vnTfC0KuptHVol6kFaBT4p2A9Ign-euOnq3d8ctaZS6sYYfH8tkPcqaY7QSlZ"
      + "IbzA9TAzBhvT_U3g5Wss75eUtVaSFUEtE6d6r0HySOCQa-Mc2eQwt5HUEapsZRNrxI-YEwxXmKkUKztNBHySg0HG0vGWHNvBQX7lm7IcG83Uy_4"
      + "KbjYKFxgxmErgw";
  private static final String USER_TOKEN_MODULUS = "rWcOzfSG9hKjF-iS23coUIPCJeifNFt2O355KdQoAeemzgA5U2w9UtoCAlaNqE8jt"
      + "uXGXOmIlCM8ffCQnrUB-OlICGCoF9Cb7FokS_5FtOiGNPrIn1QQxkU4_kXVx_N6itM2aHIKRGes0Q8kbSXyjbLE6hU1xNX2snxuW1iLxFiLT_"
      + "vB05BIUCfUZR-vlzhCUXlP4zyk1CGAl6Z6WgPrhTdxKJnTjZvmVkVFXb-sZLalGX4wPttGH3sF85JVurg46JhJFxEv5Z3e2ekq4mIPEYoALu5h"
      + "1BTIXjHHbVGO2Dl2ByI0dLi2c_naGCkE5PjColou2pQ0HiKvnlw9JcALcw";

  private SyntheticRequests() {
  }

  /** The user token's key ({@code priming-rsa}) and a P-256 key ({@code priming-ec}, the curve's generator). */
  static JWKSet jwks() throws GeneralSecurityException {
    RSAKey rsa = new RSAKey.Builder(new Base64URL(USER_TOKEN_MODULUS), new Base64URL("AQAB")).keyID("priming-rsa").build();
    AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
    params.init(new ECGenParameterSpec("secp256r1"));
    ECParameterSpec spec = params.getParameterSpec(ECParameterSpec.class);
    ECKey ec = new ECKey.Builder(Curve.P_256, Base64URL.encode(spec.getGenerator().getAffineX()),
        Base64URL.encode(spec.getGenerator().getAffineY())).keyID("priming-ec").build();
    return new JWKSet(List.of(rsa, ec));
  }

  /** An edge assertion for {@link #METHOD} {@link #PATH}, valid at {@code now}, bound to {@link #USER_TOKEN}. */
  static String assertion(long now) {
    String header = Base64Url.encode("{\"alg\":\"HS256\",\"typ\":\"edge+jwt\",\"kid\":\"priming\"}"
        .getBytes(StandardCharsets.UTF_8));
    String claims = Base64Url.encode(("{\"iss\":\"priming\",\"aud\":\"priming\",\"iat\":" + now + ",\"exp\":" + (now + 60)
        + ",\"jti\":\"priming\",\"htm\":\"GET\",\"htu\":\"/priming/1\",\"sub\":\"priming\",\"scope\":\"priming\","
        + "\"ath\":\"" + AuthorizerCore.sha256Base64Url(USER_TOKEN) + "\",\"epc\":[\"jwt\"]}")
        .getBytes(StandardCharsets.UTF_8));
    String input = header + "." + claims;
    byte[] mac = EdgeKey.of("priming", EDGE_KEY).sign(input.getBytes(StandardCharsets.US_ASCII));
    return input + "." + Base64Url.encode(mac);
  }

  /** A REST API {@code TOKEN} event carrying {@code assertion}. */
  static byte[] restToken(String assertion) {
    return utf8("{\"type\":\"TOKEN\",\"authorizationToken\":\"" + assertion + "\",\"methodArn\":\"" + ARN + "\"}");
  }

  /** A REST API {@code REQUEST} event carrying {@code assertion} and the user token. */
  static byte[] restRequest(String assertion) {
    return utf8("{\"type\":\"REQUEST\",\"methodArn\":\"" + ARN + "\",\"resource\":\"/priming/{id}\",\"path\":\"/priming/1\","
        + "\"httpMethod\":\"GET\",\"headers\":{\"X-Edge-Assertion\":\"" + assertion + "\",\"Authorization\":\"Bearer "
        + USER_TOKEN + "\",\"Host\":\"priming\"},\"multiValueHeaders\":{\"X-Edge-Assertion\":[\"" + assertion + "\"],"
        + "\"Authorization\":[\"Bearer " + USER_TOKEN + "\"]},\"queryStringParameters\":null,"
        + "\"requestContext\":{\"stage\":\"prod\",\"requestId\":\"priming\",\"identity\":{\"sourceIp\":\"192.0.2.1\"}}}");
  }

  /** An HTTP API (payload 2.0) {@code REQUEST} event carrying {@code assertion} and the user token. */
  static byte[] httpApi(String assertion) {
    return utf8("{\"version\":\"2.0\",\"type\":\"REQUEST\",\"routeArn\":\"" + ARN + "\",\"rawPath\":\"/prod/priming/1\","
        + "\"headers\":{\"x-edge-assertion\":\"" + assertion + "\",\"authorization\":\"Bearer " + USER_TOKEN + "\"},"
        + "\"requestContext\":{\"stage\":\"prod\",\"requestId\":\"priming\",\"http\":{\"method\":\"GET\","
        + "\"path\":\"/prod/priming/1\",\"sourceIp\":\"192.0.2.1\"}}}");
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
