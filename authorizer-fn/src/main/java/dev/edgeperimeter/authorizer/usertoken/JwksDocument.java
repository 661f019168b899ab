package dev.edgeperimeter.authorizer.usertoken;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.edgeperimeter.authorizer.usertoken.JwksCache.JwkKey;
import dev.edgeperimeter.shared.json.JsonLimits;
import java.io.IOException;
import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.ECFieldFp;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.EllipticCurve;
import java.security.spec.RSAPublicKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a JWKS document (RFC 7517) by streaming, with the same strict {@link JsonLimits} parser as
 * every other input, and turns each acceptable entry into a JCA {@link PublicKey}:
 *
 * <ul>
 *   <li>{@code kid} required; {@code use}, when present, {@code sig}; {@code key_ops}, when present,
 *       containing {@code verify}; a member of the wrong JSON type makes the entry unusable.</li>
 *   <li>{@code kty=RSA}: {@code n} and {@code e}, modulus of {@link JwksCache#MIN_RSA_BITS} to
 *       16384 bits, odd exponent from 3 to 32 bits, {@code alg} absent, RS256 or PS256.</li>
 *   <li>{@code kty=EC}: {@code crv=P-256}, 32-byte {@code x} and {@code y} naming a point on the
 *       curve, {@code alg} absent or ES256.</li>
 * </ul>
 *
 * Every other entry (symmetric {@code oct}, encryption keys, other curves) is dropped, never
 * guessed at. A document that is not a JSON object with a {@code keys} array is refused whole, and
 * so is one with a duplicated member anywhere (RFC 7517 section 4 allows refusing such a JWK; the
 * strict parser refuses the document, as the Nimbus parser before it did): ambiguous JSON is
 * never interpreted.
 */
final class JwksDocument {
  private static final int MAX_RSA_BITS = 16_384;
  private static final BigInteger THREE = BigInteger.valueOf(3);
  private static final String[] STRING_MEMBERS = {"kty", "kid", "use", "alg", "n", "e", "crv", "x", "y"};

  private JwksDocument() {
  }

  /** One JWK's members as read: strings, {@code key_ops}, and whether any member had an unexpected type. */
  private static final class Entry {
    final Map<String, String> strings = new HashMap<>();
    List<String> keyOps;
    boolean malformed;
  }

  /**
   * @return every entry's key, {@code null} where the entry is not an acceptable signing key
   * @throws IllegalArgumentException when the document is not a JWKS
   */
  static List<JwkKey> read(String json) {
    List<Entry> entries = new ArrayList<>();
    boolean sawKeys = false;
    try (JsonParser p = JsonLimits.FACTORY.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException("not a JWKS document: not a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if (name.equals("keys")) {
          if (value != JsonToken.START_ARRAY) {
            throw new IllegalArgumentException("not a JWKS document: \"keys\" is not an array");
          }
          sawKeys = true;
          while ((value = p.nextToken()) != JsonToken.END_ARRAY) {
            if (value == JsonToken.START_OBJECT) {
              entries.add(entry(p));
            } else {
              p.skipChildren();
              Entry bad = new Entry();
              bad.malformed = true;
              entries.add(bad);
            }
          }
        } else {
          p.skipChildren();
        }
      }
      if (p.nextToken() != null) {
        throw new IllegalArgumentException("not a JWKS document: content after the object");
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("not a JWKS document: " + e.getMessage());
    }
    if (!sawKeys) {
      throw new IllegalArgumentException("not a JWKS document: no \"keys\" array");
    }
    List<JwkKey> keys = new ArrayList<>(entries.size());
    for (Entry e : entries) {
      keys.add(e.malformed ? null : toKey(e));
    }
    return keys;
  }

  private static Entry entry(JsonParser p) throws IOException {
    Entry entry = new Entry();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken value = p.nextToken();
      if (name.equals("key_ops")) {
        if (value != JsonToken.START_ARRAY) {
          entry.malformed = true;
          p.skipChildren();
          continue;
        }
        entry.keyOps = new ArrayList<>();
        while ((value = p.nextToken()) != JsonToken.END_ARRAY) {
          if (value == JsonToken.VALUE_STRING) {
            entry.keyOps.add(p.getText());
          } else {
            entry.malformed = true;
            p.skipChildren();
          }
        }
      } else if (isStringMember(name)) {
        if (value == JsonToken.VALUE_STRING) {
          entry.strings.put(name, p.getText());
        } else {
          entry.malformed = true;
          p.skipChildren();
        }
      } else {
        p.skipChildren(); // x5c, x5t, private members, extensions: not used
      }
    }
    return entry;
  }

  private static boolean isStringMember(String name) {
    for (String m : STRING_MEMBERS) {
      if (m.equals(name)) {
        return true;
      }
    }
    return false;
  }

  private static JwkKey toKey(Entry entry) {
    Map<String, String> m = entry.strings;
    String kid = m.get("kid");
    String use = m.get("use");
    String alg = m.get("alg");
    if (kid == null || kid.isEmpty() || (use != null && !use.equals("sig"))
        || (entry.keyOps != null && !entry.keyOps.contains("verify"))) {
      return null;
    }
    try {
      String kty = m.get("kty");
      if ("RSA".equals(kty)) {
        if (alg != null && !alg.equals("RS256") && !alg.equals("PS256")) {
          return null;
        }
        BigInteger n = unsigned(m.get("n"));
        BigInteger e = unsigned(m.get("e"));
        // modulus 2048..16384 bits, exponent odd, >= 3 and at most 32 bits: what both the JDK and
        // AWS-LC (ACCP) accept, so the verdict never depends on the provider
        if (n.bitLength() < JwksCache.MIN_RSA_BITS || n.bitLength() > MAX_RSA_BITS || !e.testBit(0)
            || e.compareTo(THREE) < 0 || e.bitLength() > 32) {
          return null;
        }
        PublicKey key = KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(n, e));
        return new JwkKey(kid, "RSA", key, alg);
      }
      if ("EC".equals(kty)) {
        if (!"P-256".equals(m.get("crv")) || (alg != null && !alg.equals("ES256"))) {
          return null;
        }
        byte[] x = Base64.getUrlDecoder().decode(m.get("x"));
        byte[] y = Base64.getUrlDecoder().decode(m.get("y"));
        if (x.length != 32 || y.length != 32) {
          return null;
        }
        ECPoint point = new ECPoint(new BigInteger(1, x), new BigInteger(1, y));
        if (!onCurve(point, P256.SPEC.getCurve())) {
          return null;
        }
        PublicKey key = KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(point, P256.SPEC));
        return new JwkKey(kid, "EC", key, alg);
      }
      return null;
    } catch (GeneralSecurityException | RuntimeException e) {
      return null;
    }
  }

  private static BigInteger unsigned(String base64url) {
    byte[] bytes = Base64.getUrlDecoder().decode(base64url);
    if (bytes.length == 0) {
      throw new IllegalArgumentException("empty integer");
    }
    return new BigInteger(1, bytes);
  }

  /** y^2 = x^3 + ax + b (mod p), with both coordinates in [0, p). */
  static boolean onCurve(ECPoint point, EllipticCurve curve) {
    BigInteger p = ((ECFieldFp) curve.getField()).getP();
    BigInteger x = point.getAffineX();
    BigInteger y = point.getAffineY();
    if (x.signum() < 0 || y.signum() < 0 || x.compareTo(p) >= 0 || y.compareTo(p) >= 0) {
      return false;
    }
    BigInteger left = y.multiply(y).mod(p);
    BigInteger right = x.multiply(x).multiply(x).add(curve.getA().multiply(x)).add(curve.getB()).mod(p);
    return left.equals(right);
  }

  /** The P-256 domain parameters, loaded when the first EC key is read (an RSA-only issuer never loads them). */
  private static final class P256 {
    static final ECParameterSpec SPEC = p256();
  }

  private static ECParameterSpec p256() {
    try {
      AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
      params.init(new ECGenParameterSpec("secp256r1"));
      return params.getParameterSpec(ECParameterSpec.class);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no P-256", e);
    }
  }
}
