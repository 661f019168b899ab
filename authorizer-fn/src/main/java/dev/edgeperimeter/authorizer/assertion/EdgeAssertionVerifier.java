package dev.edgeperimeter.authorizer.assertion;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.edgeperimeter.authorizer.core.Reason;
import dev.edgeperimeter.authorizer.core.Rejection;
import dev.edgeperimeter.authorizer.keys.EdgeKeyResolver;
import dev.edgeperimeter.shared.crypto.Base64Url;
import dev.edgeperimeter.shared.json.JsonLimits;
import dev.edgeperimeter.shared.json.StrictUtf8;
import dev.edgeperimeter.shared.keys.KeyId;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Verifies the edge assertion (contract section 2, steps 1-6) in the contract's order; the first
 * failing step names the {@link Reason}. Step 7 (the user token) is the caller's.
 *
 * <ol>
 *   <li>structure: present, at most 4 KiB, three strict base64url parts (unpadded, canonical), a
 *       UTF-8 JSON object in each of the first two (RFC 8725 section 3.7: any other encoding, a
 *       byte-order mark, duplicate keys, trailing data and deep nesting are malformed), required
 *       claims present with the right JSON types;</li>
 *   <li>header: {@code alg} exactly {@code HS256} (pinned: never taken from the token), {@code typ}
 *       exactly {@code edge+jwt}, no {@code crit}, {@code kid} naming an accepted key; {@code jku},
 *       {@code jwk}, {@code x5u}, {@code x5c} are ignored;</li>
 *   <li>HMAC-SHA256 signature (the JCA {@code Mac}, constant-time comparison);</li>
 *   <li>{@code iss}, {@code aud}, {@code iat}, {@code exp}, lifetime;</li>
 *   <li>{@code htm} / {@code htu} equal to the request's method and path, byte for byte;</li>
 *   <li>{@code ath} when the request carries a bearer token.</li>
 * </ol>
 *
 * Thread-safe and allocation-light; holds no Lambda types.
 */
public final class EdgeAssertionVerifier {
  /** Largest accepted header value, in bytes. */
  public static final int MAX_HEADER_BYTES = 4096;
  /** Longest accepted {@code jti}. */
  public static final int MAX_JTI_LENGTH = 128;

  private static final String ALG = "HS256";
  private static final String TYP = "edge+jwt";

  private final Set<String> issuers;
  private final String audience;
  private final long skewSeconds;
  private final long maxLifetimeSeconds;
  private final EdgeKeyResolver keys;
  private final Clock clock;

  public EdgeAssertionVerifier(Set<String> issuers, String audience, Duration skew, Duration maxLifetime,
      EdgeKeyResolver keys, Clock clock) {
    this.issuers = Set.copyOf(issuers);
    this.audience = audience;
    this.skewSeconds = skew.toSeconds();
    this.maxLifetimeSeconds = maxLifetime.toSeconds();
    this.keys = keys;
    this.clock = clock;
  }

  /**
   * Runs steps 1-6.
   *
   * @param assertion  the {@code X-Edge-Assertion} value, {@code null} when absent
   * @param method     the request method
   * @param path       the request path (contract step 5)
   * @param bearerAth  base64url SHA-256 of the request's bearer token, {@code null} when it has none
   * @throws Rejection naming the first failing step
   */
  public VerifiedAssertion verify(String assertion, String method, String path, String bearerAth) throws Rejection {
    // step 1: structure
    if (assertion == null || assertion.isEmpty()) {
      throw new Rejection(Reason.MISSING);
    }
    if (utf8Length(assertion) > MAX_HEADER_BYTES) {
      throw new Rejection(Reason.TOO_LARGE);
    }
    int d1 = assertion.indexOf('.');
    int d2 = d1 < 0 ? -1 : assertion.indexOf('.', d1 + 1);
    if (d2 < 0 || assertion.indexOf('.', d2 + 1) >= 0) {
      throw new Rejection(Reason.MALFORMED);
    }
    int end = assertion.length();
    byte[] headerJson = Base64Url.decodeOrNull(assertion, 0, d1);
    byte[] claimsJson = headerJson == null ? null : Base64Url.decodeOrNull(assertion, d1 + 1, d2);
    byte[] signature = claimsJson == null ? null : Base64Url.decodeOrNull(assertion, d2 + 1, end);
    if (signature == null) {
      throw new Rejection(Reason.MALFORMED);
    }
    Header header = parseHeader(headerJson);
    Claims claims = parseClaims(claimsJson);
    String kid = header.kid;
    String jti = claims.jti;

    // step 2: header rules
    if (!ALG.equals(header.alg)) {
      throw new Rejection(Reason.BAD_ALG, kid, jti, false);
    }
    if (!TYP.equals(header.typ)) {
      throw new Rejection(Reason.BAD_TYP, kid, jti, false);
    }
    if (header.crit) {
      throw new Rejection(Reason.CRIT, kid, jti, false);
    }
    if (!KeyId.isValid(kid)) {
      throw new Rejection(Reason.UNKNOWN_KID, null, jti, false);
    }
    long now = clock.millis() / 1000;
    EdgeKeyResolver.Match match;
    try {
      match = keys.resolve(kid, now);
    } catch (Rejection r) {
      throw new Rejection(r.reason(), kid, jti, r.degraded());
    }
    boolean degraded = match.degraded();

    // step 3: signature
    byte[] signingInput = assertion.substring(0, d2).getBytes(StandardCharsets.US_ASCII);
    if (!match.key().verify(signingInput, signature)) {
      throw new Rejection(Reason.BAD_SIGNATURE, kid, jti, degraded);
    }

    // step 4: claims
    if (!issuers.contains(claims.iss)) {
      throw new Rejection(Reason.BAD_ISSUER, kid, jti, degraded);
    }
    if (!audience.equals(claims.aud)) {
      throw new Rejection(Reason.BAD_AUDIENCE, kid, jti, degraded);
    }
    if (claims.iat > now + skewSeconds) {
      throw new Rejection(Reason.NOT_YET_VALID, kid, jti, degraded);
    }
    if (claims.exp <= now - skewSeconds) {
      throw new Rejection(Reason.EXPIRED, kid, jti, degraded);
    }
    long lifetime;
    try {
      lifetime = Math.subtractExact(claims.exp, claims.iat);
    } catch (ArithmeticException overflow) {
      lifetime = Long.MAX_VALUE;
    }
    if (lifetime > maxLifetimeSeconds) {
      throw new Rejection(Reason.LIFETIME_TOO_LONG, kid, jti, degraded);
    }

    // step 5: binding to the request
    if (!claims.htm.equals(method)) {
      throw new Rejection(Reason.METHOD_MISMATCH, kid, jti, degraded);
    }
    if (!claims.htu.equals(path)) {
      throw new Rejection(Reason.PATH_MISMATCH, kid, jti, degraded);
    }

    // step 6: binding to the bearer token
    if (bearerAth != null) {
      if (claims.ath == null) {
        throw new Rejection(Reason.ATH_MISSING, kid, jti, degraded);
      }
      if (!claims.ath.equals(bearerAth)) {
        throw new Rejection(Reason.ATH_MISMATCH, kid, jti, degraded);
      }
    }
    return new VerifiedAssertion(kid, claims.iss, claims.sub, claims.scope, jti, claims.epc, degraded);
  }

  /** UTF-8 length without encoding (the header is ASCII in every accepted case). */
  static int utf8Length(String s) {
    int n = s.length();
    int bytes = n;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x80) {
        bytes += c >= 0x800 && !Character.isSurrogate(c) ? 2 : 1;
      }
      if (bytes > MAX_HEADER_BYTES) {
        return bytes;
      }
    }
    return bytes;
  }

  /** Takes the members of a JSON object one at a time, as {@link #readObject} reads them. */
  private interface Members {
    /** Reads the value of member {@code name}, whose first token {@code t} is current in {@code p}. */
    void member(String name, JsonParser p, JsonToken t) throws IOException, Rejection;
  }

  /** The protected header members the contract reads. A non-string value reads as absent. */
  private static final class Header implements Members {
    String alg;
    String typ;
    String kid;
    boolean crit;

    @Override
    public void member(String name, JsonParser p, JsonToken t) throws IOException {
      switch (name) {
        case "alg" -> alg = stringOrNull(p, t);
        case "typ" -> typ = stringOrNull(p, t);
        case "kid" -> kid = stringOrNull(p, t);
        case "crit" -> {
          crit = true;
          p.skipChildren();
        }
        default -> p.skipChildren();
      }
    }
  }

  /** The claims, typed per step 1. */
  private static final class Claims implements Members {
    String iss;
    String aud;
    long iat;
    long exp;
    boolean hasIat;
    boolean hasExp;
    String jti;
    String htm;
    String htu;
    String ath;
    String sub;
    String scope;
    List<String> epc = List.of();

    @Override
    public void member(String name, JsonParser p, JsonToken t) throws IOException, Rejection {
      switch (name) {
        case "iss" -> iss = string(p, t);
        case "aud" -> aud = string(p, t);
        case "jti" -> jti = string(p, t);
        case "htm" -> htm = string(p, t);
        case "htu" -> htu = string(p, t);
        case "ath" -> ath = string(p, t);
        case "sub" -> sub = string(p, t);
        case "scope" -> scope = string(p, t);
        case "iat" -> {
          iat = integer(p, t);
          hasIat = true;
        }
        case "exp" -> {
          exp = integer(p, t);
          hasExp = true;
        }
        case "epc" -> epc = stringArray(p, t);
        default -> p.skipChildren();
      }
    }
  }

  /**
   * Reads {@code json} as exactly one JSON object (nothing after it), handing each member to
   * {@code into}; anything else, or JSON the parser refuses, is malformed.
   */
  private static <T extends Members> T readObject(byte[] json, T into) throws Rejection {
    String text = StrictUtf8.decodeOrNull(json);
    if (text == null) {
      throw new Rejection(Reason.MALFORMED);
    }
    try (JsonParser p = JsonLimits.FACTORY.createParser(text)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new Rejection(Reason.MALFORMED);
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        into.member(name, p, p.nextToken());
      }
      if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
        throw new Rejection(Reason.MALFORMED);
      }
      return into;
    } catch (IOException | RuntimeException e) {
      throw new Rejection(Reason.MALFORMED);
    }
  }

  private static Header parseHeader(byte[] json) throws Rejection {
    return readObject(json, new Header());
  }

  private static String stringOrNull(JsonParser p, JsonToken t) throws IOException {
    if (t == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    p.skipChildren();
    return null;
  }

  private static Claims parseClaims(byte[] json) throws Rejection {
    Claims c = readObject(json, new Claims());
    if (c.iss == null || c.aud == null || c.jti == null || c.htm == null || c.htu == null || !c.hasIat || !c.hasExp
        || c.jti.length() > MAX_JTI_LENGTH) {
      throw new Rejection(Reason.MALFORMED, null, null, false);
    }
    return c;
  }

  private static String string(JsonParser p, JsonToken t) throws Rejection, IOException {
    if (t != JsonToken.VALUE_STRING) {
      throw new Rejection(Reason.MALFORMED);
    }
    return p.getText();
  }

  private static long integer(JsonParser p, JsonToken t) throws Rejection, IOException {
    if (t != JsonToken.VALUE_NUMBER_INT) {
      throw new Rejection(Reason.MALFORMED);
    }
    JsonParser.NumberType type = p.getNumberType();
    if (type != JsonParser.NumberType.INT && type != JsonParser.NumberType.LONG) {
      throw new Rejection(Reason.MALFORMED);
    }
    return p.getLongValue();
  }

  private static List<String> stringArray(JsonParser p, JsonToken t) throws Rejection, IOException {
    if (t != JsonToken.START_ARRAY) {
      throw new Rejection(Reason.MALFORMED);
    }
    List<String> out = new ArrayList<>(4);
    JsonToken e;
    while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
      if (e != JsonToken.VALUE_STRING) {
        throw new Rejection(Reason.MALFORMED);
      }
      out.add(p.getText());
    }
    return List.copyOf(out);
  }
}
