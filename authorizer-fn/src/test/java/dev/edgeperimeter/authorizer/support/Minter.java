package dev.edgeperimeter.authorizer.support;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgeperimeter.shared.crypto.Base64Url;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Mints edge assertions for tests: any header and claims, HMAC-SHA256 over the compact form. */
public final class Minter {
  public static final ObjectMapper JSON = new ObjectMapper();
  public static final long NOW = 1795600000L;
  public static final String ISSUER = "akamai-edgeworker:1234567";
  public static final String AUDIENCE = "orders-api";

  private Minter() {
  }

  public static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String b64(String text) {
    return Base64Url.encode(text.getBytes(StandardCharsets.UTF_8));
  }

  public static Map<String, Object> header(String kid) {
    Map<String, Object> h = new LinkedHashMap<>();
    h.put("alg", "HS256");
    h.put("typ", "edge+jwt");
    h.put("kid", kid);
    return h;
  }

  /** Valid claims for {@code method path} at {@link #NOW}. */
  public static Map<String, Object> claims(String method, String path) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("iss", ISSUER);
    c.put("aud", AUDIENCE);
    c.put("iat", NOW - 5);
    c.put("exp", NOW + 55);
    c.put("jti", "req-test-0001");
    c.put("htm", method);
    c.put("htu", path);
    return c;
  }

  public static String sign(byte[] key, Map<String, Object> header, Map<String, Object> claims) {
    return signRaw(key, json(header), json(claims));
  }

  /** Signs arbitrary header and claims text (not necessarily JSON). */
  public static String signRaw(byte[] key, String headerJson, String claimsJson) {
    String input = b64(headerJson) + "." + b64(claimsJson);
    return input + "." + Base64Url.encode(hmac(key, input));
  }

  public static byte[] hmac(byte[] key, String input) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(input.getBytes(StandardCharsets.US_ASCII));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public static byte[] key(String seed) {
    try {
      return java.security.MessageDigest.getInstance("SHA-256").digest(seed.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The ARN API Gateway would send for {@code method path} on stage prod. */
  public static String arn(String method, String path) {
    return "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/" + method + path;
  }
}
