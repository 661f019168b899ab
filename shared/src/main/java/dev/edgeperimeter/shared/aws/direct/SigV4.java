package dev.edgeperimeter.shared.aws.direct;

import dev.edgeperimeter.shared.crypto.HmacSha256;
import dev.edgeperimeter.shared.crypto.Sha256;
import dev.edgeperimeter.shared.time.UtcText;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * AWS Signature Version 4 for one request with a body in memory (header-based, signed payload):
 * the canonical request, the string to sign, the derived signing key and the
 * {@code Authorization} header. Only what a JSON-protocol POST needs: no query strings, no
 * chunked or unsigned payloads, no presigning.
 */
public final class SigV4 {
  public static final String ALGORITHM = "AWS4-HMAC-SHA256";
  private static final HexFormat HEX = HexFormat.of();

  private SigV4() {
  }

  /**
   * Signs a request.
   *
   * @param headers the headers to sign besides {@code host} and the ones added here (names in any case)
   * @return the headers to send in addition to {@code headers}: {@code X-Amz-Content-Sha256}, {@code X-Amz-Date},
   *     {@code X-Amz-Security-Token} when the credentials carry a session token, and {@code Authorization}
   */
  public static Map<String, String> sign(String method, URI uri, Map<String, String> headers, byte[] payload,
      String region, String service, SigningCredentials credentials, Instant now) {
    String amzDate = UtcText.basicSeconds(now.getEpochSecond());
    String date = amzDate.substring(0, 8);
    String payloadHash = HEX.formatHex(Sha256.digest(payload));
    Map<String, String> added = new LinkedHashMap<>();
    added.put("X-Amz-Content-Sha256", payloadHash); // optional outside S3; sent and signed, as the SDK does
    added.put("X-Amz-Date", amzDate);
    if (credentials.sessionToken().isPresent()) {
      added.put("X-Amz-Security-Token", credentials.sessionToken().get());
    }

    TreeMap<String, String> canonical = new TreeMap<>();
    canonical.put("host", hostHeader(uri));
    for (Map.Entry<String, String> h : headers.entrySet()) {
      canonical.put(h.getKey().toLowerCase(Locale.ROOT), normalize(h.getValue()));
    }
    for (Map.Entry<String, String> h : added.entrySet()) {
      canonical.put(h.getKey().toLowerCase(Locale.ROOT), normalize(h.getValue()));
    }
    String signedHeaders = String.join(";", canonical.keySet());

    StringBuilder request = new StringBuilder(512)
        .append(method).append('\n')
        .append(canonicalPath(uri.getRawPath())).append('\n')
        .append('\n'); // no query string
    for (Map.Entry<String, String> h : canonical.entrySet()) {
      request.append(h.getKey()).append(':').append(h.getValue()).append('\n');
    }
    request.append('\n').append(signedHeaders).append('\n').append(payloadHash);

    String scope = date + "/" + region + "/" + service + "/aws4_request";
    String stringToSign = ALGORITHM + "\n" + amzDate + "\n" + scope + "\n"
        + HEX.formatHex(Sha256.digest(request.toString().getBytes(StandardCharsets.UTF_8)));
    byte[] key = hmac(("AWS4" + credentials.secretAccessKey()).getBytes(StandardCharsets.UTF_8), date);
    key = hmac(key, region);
    key = hmac(key, service);
    key = hmac(key, "aws4_request");
    String signature = HEX.formatHex(hmac(key, stringToSign));
    added.put("Authorization", ALGORITHM + " Credential=" + credentials.accessKeyId() + "/" + scope
        + ", SignedHeaders=" + signedHeaders + ", Signature=" + signature);
    return added;
  }


  /** The {@code Host} header the JDK's HTTP client sends for {@code uri} (port only when not the default). */
  public static String hostHeader(URI uri) {
    int port = uri.getPort();
    boolean defaultPort = port == -1 || ("https".equals(uri.getScheme()) && port == 443)
        || ("http".equals(uri.getScheme()) && port == 80);
    return defaultPort ? uri.getHost() : uri.getHost() + ":" + port;
  }

  /** Non-S3 services sign the path URI-encoded once more, segment by segment; an empty path is "/". */
  static String canonicalPath(String rawPath) {
    if (rawPath == null || rawPath.isEmpty()) {
      return "/";
    }
    StringBuilder out = new StringBuilder(rawPath.length() + 8);
    for (byte b : rawPath.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
          || c == '.' || c == '~' || c == '/') {
        out.append(c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xf, 16)))
            .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
      }
    }
    return out.toString();
  }

  /** Trims and collapses runs of spaces, as the canonical header value requires. */
  private static String normalize(String value) {
    String v = value.strip();
    if (v.indexOf("  ") < 0) {
      return v;
    }
    StringBuilder b = new StringBuilder(v.length());
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c != ' ' || b.isEmpty() || b.charAt(b.length() - 1) != ' ') {
        b.append(c);
      }
    }
    return b.toString();
  }
  private static byte[] hmac(byte[] key, String data) {
    return HmacSha256.mac(key, data.getBytes(StandardCharsets.UTF_8));
  }
}
