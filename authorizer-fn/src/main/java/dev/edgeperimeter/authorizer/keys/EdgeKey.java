package dev.edgeperimeter.authorizer.keys;

import dev.edgeperimeter.shared.crypto.HmacSha256;

/**
 * One usable shared key: its id and a ready {@link HmacSha256} over the decrypted material (pads
 * hashed once). The material itself is not exposed; the row's state and {@code notAfter} are
 * checked on the {@code KeyRecord} beside it in the cache.
 */
public final class EdgeKey {
  /** RFC 7518 section 3.2: an HS256 key must be at least as long as the hash output. */
  public static final int MIN_MATERIAL_BYTES = 32;

  private final String kid;
  private final HmacSha256 hmac;

  private EdgeKey(String kid, byte[] material) {
    if (material == null || material.length < MIN_MATERIAL_BYTES) {
      throw new IllegalArgumentException("key " + kid + " has unusable material: shorter than "
          + MIN_MATERIAL_BYTES + " bytes");
    }
    this.kid = kid;
    this.hmac = new HmacSha256(material);
  }

  /** A key from raw material. */
  public static EdgeKey of(String kid, byte[] material) {
    return new EdgeKey(kid, material);
  }

  public String kid() {
    return kid;
  }

  /**
   * HMAC-SHA256 check of {@code signature} (decoded from strict base64url by the caller) over
   * {@code signingInput} (the ASCII bytes of {@code header.claims}), compared in constant time. The
   * algorithm was pinned to HS256 by the caller before this point.
   */
  public boolean verify(byte[] signingInput, byte[] signature) {
    return hmac.verify(signingInput, signature);
  }

  @Override
  public String toString() {
    return "EdgeKey[" + kid + "]";
  }
}
