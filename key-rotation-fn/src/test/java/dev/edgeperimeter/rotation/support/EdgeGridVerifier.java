package dev.edgeperimeter.rotation.support;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Server-side check of an Akamai EdgeGrid v1 ({@code EG1-HMAC-SHA256}) {@code Authorization}
 * header, written independently of the signer library: it recomputes the signature from the
 * request as received (method, https, Host header, path and query, content hash for POST) and
 * the client secret, compares in constant time, checks the tokens, the timestamp window and that
 * no nonce is used twice, as the Akamai API gateway does.
 */
public final class EdgeGridVerifier {
  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HH:mm:ssZ").withZone(ZoneOffset.UTC);
  private static final String PREFIX = "EG1-HMAC-SHA256 ";
  static final int MAX_BODY_BYTES = 131_072;

  private final String clientToken;
  private final String clientSecret;
  private final String accessToken;
  private final Clock clock;
  private final Duration window;
  private final Set<String> seenNonces = ConcurrentHashMap.newKeySet();

  public EdgeGridVerifier(String clientToken, String clientSecret, String accessToken, Clock clock, Duration window) {
    this.clientToken = clientToken;
    this.clientSecret = clientSecret;
    this.accessToken = accessToken;
    this.clock = clock;
    this.window = window;
  }

  /** Returns {@code null} when the header verifies, else the reason it does not. */
  public String verify(String method, String host, String pathAndQuery, byte[] body, String authorization) {
    if (authorization == null || !authorization.startsWith(PREFIX)) {
      return "missing or non-EG1 Authorization header";
    }
    int sig = authorization.lastIndexOf("signature=");
    if (sig < 0) {
      return "no signature";
    }
    String authData = authorization.substring(0, sig);
    String signature = authorization.substring(sig + "signature=".length());
    Map<String, String> fields = new LinkedHashMap<>();
    for (String part : authorization.substring(PREFIX.length(), sig).split(";")) {
      int eq = part.indexOf('=');
      if (eq > 0) {
        fields.put(part.substring(0, eq), part.substring(eq + 1));
      }
    }
    if (!clientToken.equals(fields.get("client_token"))) {
      return "unknown client_token";
    }
    if (!accessToken.equals(fields.get("access_token"))) {
      return "wrong access_token";
    }
    String timestamp = fields.get("timestamp");
    String nonce = fields.get("nonce");
    if (timestamp == null || nonce == null || nonce.isEmpty()) {
      return "timestamp or nonce missing";
    }
    try {
      Instant signedAt = Instant.from(TIMESTAMP.parse(timestamp));
      if (Duration.between(signedAt, clock.instant()).abs().compareTo(window) > 0) {
        return "timestamp outside the allowed window";
      }
    } catch (DateTimeParseException e) {
      return "malformed timestamp";
    }
    String contentHash = "";
    if ("POST".equals(method) && body != null && body.length > 0) {
      contentHash = Base64.getEncoder().encodeToString(sha256(body, Math.min(body.length, MAX_BODY_BYTES)));
    }
    String dataToSign = String.join("\t", method.toUpperCase(Locale.ROOT), "https", host.toLowerCase(Locale.ROOT),
        pathAndQuery, "", contentHash, authData);
    String signingKey = Base64.getEncoder().encodeToString(hmac(clientSecret, timestamp));
    String expected = Base64.getEncoder().encodeToString(hmac(signingKey, dataToSign));
    if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), signature.getBytes(StandardCharsets.UTF_8))) {
      return "signature does not verify";
    }
    if (!seenNonces.add(nonce)) {
      return "nonce reused";
    }
    return null;
  }

  private static byte[] hmac(String key, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] sha256(byte[] body, int length) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(body, 0, length);
      return digest.digest();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
