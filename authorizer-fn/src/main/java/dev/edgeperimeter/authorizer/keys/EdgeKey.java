package dev.edgeperimeter.authorizer.keys;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * One usable shared key: its id and the JCA {@code HmacSHA256} {@link Mac} over the decrypted
 * material, one initialised instance per thread (a {@code Mac} is not thread-safe). The material is
 * not exposed; the row's state and {@code notAfter} are checked on the key row beside it in the cache.
 */
public final class EdgeKey {
  /** RFC 7518 section 3.2: an HS256 key must be at least as long as the hash output. */
  public static final int MIN_MATERIAL_BYTES = 32;
  private static final String ALGORITHM = "HmacSHA256";

  private final String kid;
  private final ThreadLocal<Mac> mac;

  private EdgeKey(String kid, byte[] material) {
    if (material == null || material.length < MIN_MATERIAL_BYTES) {
      throw new IllegalArgumentException("key " + kid + " has unusable material: shorter than "
          + MIN_MATERIAL_BYTES + " bytes");
    }
    this.kid = kid;
    SecretKeySpec key = new SecretKeySpec(material, ALGORITHM);
    newMac(key); // fails here, not on a request, if the JCA has no HmacSHA256
    this.mac = ThreadLocal.withInitial(() -> newMac(key));
  }

  private static Mac newMac(SecretKeySpec key) {
    try {
      Mac m = Mac.getInstance(ALGORITHM);
      m.init(key);
      return m;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available: " + e.getMessage(), e);
    }
  }

  /** A key from raw material. */
  public static EdgeKey of(String kid, byte[] material) {
    return new EdgeKey(kid, material);
  }

  public String kid() {
    return kid;
  }

  /** HMAC-SHA256 of {@code data} (SnapStart priming and tests sign with it). */
  public byte[] sign(byte[] data) {
    return mac.get().doFinal(data);
  }

  /**
   * Checks {@code signature} over {@code signingInput} (the ASCII bytes of {@code header.claims}),
   * compared in constant time ({@link MessageDigest#isEqual}). The algorithm was pinned to HS256 by
   * the caller before this point.
   */
  public boolean verify(byte[] signingInput, byte[] signature) {
    return MessageDigest.isEqual(sign(signingInput), signature);
  }

  @Override
  public String toString() {
    return "EdgeKey[" + kid + "]";
  }
}
