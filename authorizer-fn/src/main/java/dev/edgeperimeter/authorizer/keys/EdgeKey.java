package dev.edgeperimeter.authorizer.keys;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.util.Base64URL;
import dev.edgeperimeter.shared.keys.KeyState;

/**
 * One usable shared key: its id, state, {@code notAfter} and a ready Nimbus {@link MACVerifier}
 * over the decrypted material. The material itself is not exposed.
 */
public final class EdgeKey {
  private static final JWSHeader HS256 = new JWSHeader(JWSAlgorithm.HS256);

  private final String kid;
  private final KeyState state;
  private final long notAfter;
  private final MACVerifier verifier;

  EdgeKey(String kid, KeyState state, long notAfter, byte[] material) {
    this.kid = kid;
    this.state = state;
    this.notAfter = notAfter;
    try {
      this.verifier = new MACVerifier(material);
    } catch (JOSEException e) {
      throw new IllegalArgumentException("key " + kid + " has unusable material: " + e.getMessage());
    }
  }

  private EdgeKey(EdgeKey same, KeyState state, long notAfter) {
    this.kid = same.kid;
    this.state = state;
    this.notAfter = notAfter;
    this.verifier = same.verifier;
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
   * {@code header.claims}), compared in constant time by Nimbus. The algorithm was pinned to HS256
   * by the caller before this point.
   */
  public boolean verify(byte[] signingInput, String signatureBase64Url) {
    try {
      return verifier.verify(HS256, signingInput, new Base64URL(signatureBase64Url));
    } catch (JOSEException e) {
      return false;
    }
  }

  @Override
  public String toString() {
    return "EdgeKey[" + kid + ", " + state + "]";
  }
}
