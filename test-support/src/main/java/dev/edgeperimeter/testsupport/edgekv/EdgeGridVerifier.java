package dev.edgeperimeter.testsupport.edgekv;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Server side of Akamai EdgeGrid v1 ({@code EG1-HMAC-SHA256}) request authentication, written to
 * accept exactly what the official Java signer ({@code com.akamai.edgegrid.signer.EdgeGridV1Signer}
 * 6.x) produces, and nothing else:
 *
 * <pre>
 * Authorization: EG1-HMAC-SHA256 client_token=..;access_token=..;timestamp=yyyyMMdd'T'HH:mm:ss+0000;nonce=..;signature=..
 *
 * signing key  = base64( HMAC-SHA256(key = client_secret, data = timestamp) )
 * data to sign = METHOD \t https \t host(lower case) \t raw-path[?query] \t canonical headers \t content hash \t
 *                + the Authorization value up to and including "nonce=...;" (no signature)
 * content hash = base64( SHA-256(body[0..max-body)) ) for POST with a body, else empty (PUT bodies are not hashed)
 * signature    = base64( HMAC-SHA256(key = signing key (its base64 text), data = data to sign) )
 * </pre>
 *
 * <p>The scheme is always {@code https} in the signed data (the official signer hard-codes it),
 * whatever scheme the request used; the host is the request's {@code Host} header. No headers are
 * signed (the signer's default {@code headersToSign} is empty). The query is signed as sent.
 *
 * <p>Like the real API it also refuses a timestamp too far from now and a nonce seen before.
 */
public final class EdgeGridVerifier {
  /** The moniker that starts every EdgeGrid v1 {@code Authorization} header. */
  public static final String MONIKER = "EG1-HMAC-SHA256";
  private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HH:mm:ssZ")
      .withZone(ZoneOffset.UTC);
  private static final int NONCES_REMEMBERED = 10_000;

  /** Why a request was refused; {@code status} is what the Akamai API answers. */
  public record Failure(int status, String detail) {
  }

  private final EdgeKvCredentials credentials;
  private final Duration maxClockSkew;
  private final int maxBody;
  private final Set<String> seenNonces = new HashSet<>();
  private final Deque<String> nonceOrder = new ArrayDeque<>();

  /**
   * @param credentials  the one API client this server knows
   * @param maxClockSkew how far the signed timestamp may be from now
   * @param maxBody      EdgeGrid {@code max-body}: how much of a POST body is hashed (signer default 131072)
   */
  public EdgeGridVerifier(EdgeKvCredentials credentials, Duration maxClockSkew, int maxBody) {
    this.credentials = credentials;
    this.maxClockSkew = maxClockSkew;
    this.maxBody = maxBody;
  }

  /**
   * Verifies a request; empty when it is authentic.
   *
   * @param method        HTTP method
   * @param hostHeader    the request's {@code Host} header
   * @param pathAndQuery  raw path and raw query as received ({@code /a/b?c=d})
   * @param authorization the {@code Authorization} header, or null
   * @param body          the request body (may be empty)
   * @param now           the server's clock
   */
  public synchronized Optional<Failure> verify(String method, String hostHeader, String pathAndQuery,
      String authorization, byte[] body, Instant now) {
    if (authorization == null || authorization.isBlank()) {
      return fail(401, "Missing authorization header");
    }
    if (!authorization.startsWith(MONIKER + " ")) {
      return fail(401, "Invalid authorization header: expected the " + MONIKER + " scheme");
    }
    String fields = authorization.substring(MONIKER.length() + 1);
    Map<String, String> values = new LinkedHashMap<>();
    for (String part : fields.split(";")) {
      int eq = part.indexOf('=');
      if (eq <= 0) {
        return fail(401, "Invalid authorization header: malformed field");
      }
      String name = part.substring(0, eq);
      if (values.putIfAbsent(name, part.substring(eq + 1)) != null) {
        return fail(401, "Invalid authorization header: duplicate field " + name);
      }
    }
    for (String required : new String[] {"client_token", "access_token", "timestamp", "nonce", "signature"}) {
      if (!values.containsKey(required) || values.get(required).isEmpty()) {
        return fail(401, "Invalid authorization header: missing " + required);
      }
    }
    int signatureAt = fields.lastIndexOf("signature=");
    if (!fields.startsWith("client_token=") || signatureAt < 0 || !fields.substring(signatureAt).equals(
        "signature=" + values.get("signature"))) {
      return fail(401, "Invalid authorization header: fields out of order");
    }
    if (!constantTimeEquals(values.get("client_token"), credentials.clientToken())) {
      return fail(401, "Invalid authorization client token");
    }
    if (!constantTimeEquals(values.get("access_token"), credentials.accessToken())) {
      return fail(401, "Invalid authorization access token");
    }
    String timestamp = values.get("timestamp");
    Instant signedAt;
    try {
      signedAt = Instant.from(TIMESTAMP.parse(timestamp));
    } catch (DateTimeParseException e) {
      return fail(401, "Invalid timestamp");
    }
    if (Duration.between(signedAt, now).abs().compareTo(maxClockSkew) > 0) {
      return fail(401, "Invalid timestamp");
    }
    String authData = MONIKER + " " + fields.substring(0, signatureAt);
    String host = hostHeader == null ? "" : hostHeader.toLowerCase(Locale.ROOT);
    String expected = signature(method, host, pathAndQuery, body, timestamp, authData);
    if (!constantTimeEquals(expected, values.get("signature"))) {
      return fail(401, "The signature does not match");
    }
    String nonce = values.get("nonce");
    if (!seenNonces.add(nonce)) {
      return fail(401, "Nonce already used");
    }
    nonceOrder.addLast(nonce);
    if (nonceOrder.size() > NONCES_REMEMBERED) {
      seenNonces.remove(nonceOrder.removeFirst());
    }
    return Optional.empty();
  }

  /** The signature the official signer computes for this request (exposed for tests and tools). */
  public String signature(String method, String host, String pathAndQuery, byte[] body, String timestamp,
      String authDataWithoutSignature) {
    String canonical = method.toUpperCase(Locale.ROOT) + '\t'
        + "https" + '\t'
        + host.toLowerCase(Locale.ROOT) + '\t'
        + signedPath(pathAndQuery) + '\t'
        + "" + '\t'
        + contentHash(method, body) + '\t';
    String signingKey = base64Hmac(credentials.clientSecret().getBytes(StandardCharsets.UTF_8), timestamp);
    return base64Hmac(signingKey.getBytes(StandardCharsets.UTF_8), canonical + authDataWithoutSignature);
  }

  /** Formats an instant the way EdgeGrid timestamps are written. */
  public static String timestamp(Instant instant) {
    return TIMESTAMP.format(instant);
  }

  /**
   * Raw path, then {@code ?} and the raw query. (The signer's {@code Request.Builder.uri} rebuilds the
   * URI with the multi-argument {@code URI} constructor, which quotes {@code %} in the query, and
   * {@code getRelativePathWithQuery} then decodes it once: the net effect is the query as sent.)
   */
  static String signedPath(String pathAndQuery) {
    int q = pathAndQuery.indexOf('?');
    String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
    if (path.isEmpty() || path.charAt(0) != '/') {
      path = "/" + path;
    }
    return q < 0 ? path : path + pathAndQuery.substring(q);
  }

  private String contentHash(String method, byte[] body) {
    if (!"POST".equals(method) || body == null || body.length == 0) {
      return "";
    }
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(body, 0, Math.min(body.length, maxBody));
      return Base64.getEncoder().encodeToString(sha.digest());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String base64Hmac(byte[] key, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return Base64.getEncoder().encodeToString(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean constantTimeEquals(String a, String b) {
    return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  private static Optional<Failure> fail(int status, String detail) {
    return Optional.of(new Failure(status, detail));
  }
}
