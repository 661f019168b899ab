package dev.edgeperimeter.authorizer.keys;

import dev.edgeperimeter.shared.crypto.Base64Url;
import dev.edgeperimeter.shared.crypto.HmacSha256;
import dev.edgeperimeter.shared.keys.KeyState;

/**
 * One usable shared key: its id, state, {@code notAfter} and a ready {@link HmacSha256} over the
 * decrypted material (pads hashed once). The material itself is not exposed.
 */
public final class EdgeKey {
  /** RFC 7518 section 3.2: an HS256 key must be at least as long as the hash output. */
  public static final int MIN_MATERIAL_BYTES = 32;

  private final String kid;
  private final KeyState state;
  private final long notAfter;
  private final HmacSha256 hmac;

  EdgeKey(String kid, KeyState state, long notAfter, byte[] material) {
    this.kid = kid;
    this.state = state;
    this.notAfter = notAfter;
    if (material == null || material.length < MIN_MATERIAL_BYTES) {
      throw new IllegalArgumentException("key " + kid + " has unusable material: shorter than "
          + MIN_MATERIAL_BYTES + " bytes");
    }
    this.hmac = new HmacSha256(material);
  }

  private EdgeKey(EdgeKey same, KeyState state, long notAfter) {
    this.kid = same.kid;
    this.state = state;
    this.notAfter = notAfter;
    this.hmac = same.hmac;
  }

  /** The same material (no new decryption) under a changed state or {@code notAfter}. */
  EdgeKey withState(KeyState newState, long newNotAfter) {
    return new EdgeKey(this, newState, newNotAfter);
  }

  /** A key from raw material (priming and tests). */
  public static EdgeKey of(String kid, KeyState state, long notAfter, byte[] material) {
    return new EdgeKey(kid, state, notAfter, material);
  }

  public String kid() {
    return kid;
  }

  public KeyState state() {
    return state;
  }

  public long notAfter() {
    return notAfter;
  }

  /** Whether the origin accepts this key at {@code nowEpochSeconds} (state and {@code notAfter}). */
  public boolean acceptedAt(long nowEpochSeconds) {
    return state != null && state.acceptedByOrigin() && nowEpochSeconds <= notAfter;
  }

  /**
   * HMAC-SHA256 check of {@code signature} over {@code signingInput} (the ASCII bytes of
   * {@code header.claims}), compared in constant time. The algorithm was pinned to HS256 and the
   * signature's base64url checked strictly by the caller before this point.
   */
  public boolean verify(byte[] signingInput, String signatureBase64Url) {
    byte[] signature;
    try {
      signature = Base64Url.decode(signatureBase64Url);
    } catch (IllegalArgumentException e) {
      return false;
    }
    return hmac.verify(signingInput, signature);
  }

  @Override
  public String toString() {
    return "EdgeKey[" + kid + ", " + state + "]";
  }
}
