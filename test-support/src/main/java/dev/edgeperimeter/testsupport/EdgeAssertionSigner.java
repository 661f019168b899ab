package dev.edgeperimeter.testsupport;

import dev.edgeperimeter.shared.crypto.Base64Url;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs edge assertions (contract section 2) the way the EdgeWorker does, byte for byte: header
 * {@code {"alg":"HS256","typ":"edge+jwt","kid":...}}, claims in the order iss, aud, iat, exp, jti,
 * htm, htu, ath, sub, scope, epc. For tests, sample events, the local stack and benchmarks: in
 * production only the edge signs.
 */
public final class EdgeAssertionSigner {

  /** What goes into one assertion; {@code bearer}, {@code sub}, {@code scope}, {@code epc} may be null. */
  public record Claims(String issuer, String audience, long iat, long exp, String jti, String method, String path,
                       String bearer, String sub, String scope, List<String> epc) {

    /** A minimal assertion for {@code method path}, valid for 60 s from {@code now}. */
    public static Claims of(String issuer, String audience, long now, String jti, String method, String path) {
      return new Claims(issuer, audience, now, now + 60, jti, method, path, null, null, null, null);
    }

    public Claims withBearer(String token) {
      return new Claims(issuer, audience, iat, exp, jti, method, path, token, sub, scope, epc);
    }

  }

  private EdgeAssertionSigner() {
  }

  public static String sign(String kid, byte[] key, Claims c) {
    StringBuilder claims = new StringBuilder(256).append('{');
    field(claims, "iss", c.issuer()).append(',');
    field(claims, "aud", c.audience()).append(',');
    claims.append("\"iat\":").append(c.iat()).append(',');
    claims.append("\"exp\":").append(c.exp()).append(',');
    field(claims, "jti", c.jti()).append(',');
    field(claims, "htm", c.method()).append(',');
    field(claims, "htu", c.path());
    if (c.bearer() != null) {
      field(claims.append(','), "ath", accessTokenHash(c.bearer()));
    }
    if (c.sub() != null) {
      field(claims.append(','), "sub", c.sub());
    }
    if (c.scope() != null) {
      field(claims.append(','), "scope", c.scope());
    }
    if (c.epc() != null) {
      claims.append(",\"epc\":[");
      for (int i = 0; i < c.epc().size(); i++) {
        claims.append(i == 0 ? "" : ",").append(quote(c.epc().get(i)));
      }
      claims.append(']');
    }
    claims.append('}');
    String header = "{\"alg\":\"HS256\",\"typ\":\"edge+jwt\",\"kid\":" + quote(kid) + "}";
    return signRaw(header, claims.toString(), key);
  }

  /** Signs arbitrary header and claims JSON (for attack cases: odd headers, duplicate keys, ...). */
  public static String signRaw(String headerJson, String claimsJson, byte[] key) {
    String input = b64(headerJson) + "." + b64(claimsJson);
    return input + "." + Base64Url.encode(hmac(key, input));
  }

  /** {@code ath}: base64url (no padding) of SHA-256 over the token's ASCII bytes (RFC 9449 section 4.2). */
  public static String accessTokenHash(String token) {
    try {
      return Base64Url.encode(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public static byte[] hmac(byte[] key, String signingInput) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String b64(String json) {
    return Base64Url.encode(json.getBytes(StandardCharsets.UTF_8));
  }

  private static StringBuilder field(StringBuilder b, String name, String value) {
    return b.append('"').append(name).append("\":").append(quote(value));
  }

  static String quote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      switch (ch) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        case '\b' -> b.append("\\b");
        case '\f' -> b.append("\\f");
        default -> {
          if (ch < 0x20) {
            b.append(String.format("\\u%04x", (int) ch));
          } else {
            b.append(ch);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
