package dev.edgeperimeter.rotation.edge;

import dev.edgeperimeter.shared.crypto.Base64Url;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The EdgeKV {@code k} field (docs/WIRE-DETAILS.md): AES-256-GCM of the key material under the
 * wrapping key, with the UTF-8 {@code kid} as additional authenticated data, encoded as unpadded
 * base64url of {@code iv(12) || ciphertext || tag(16)}.
 */
public final class KeyWrapper {
  public static final int WRAPPING_KEY_BYTES = 32;
  static final int IV_BYTES = 12;
  static final int TAG_BITS = 128;

  private KeyWrapper() {
  }

  /** Wraps {@code material}; the IV comes from a {@link SecureRandom} created for this call. */
  public static String wrap(byte[] wrappingKey, String kid, byte[] material) {
    requireKey(wrappingKey);
    byte[] iv = new byte[IV_BYTES];
    new SecureRandom().nextBytes(iv);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(wrappingKey, "AES"), new GCMParameterSpec(TAG_BITS, iv));
      cipher.updateAAD(kid.getBytes(StandardCharsets.UTF_8));
      byte[] sealed = cipher.doFinal(material);
      byte[] out = new byte[IV_BYTES + sealed.length];
      System.arraycopy(iv, 0, out, 0, IV_BYTES);
      System.arraycopy(sealed, 0, out, IV_BYTES, sealed.length);
      return Base64Url.encode(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available: " + e.getMessage(), e);
    }
  }

  /**
   * Unwraps a {@code k} value as the edge does; fails when the wrapping key or {@code kid} differ.
   *
   * @throws IllegalArgumentException when {@code k} is malformed or does not authenticate
   */
  public static byte[] unwrap(byte[] wrappingKey, String kid, String k) {
    requireKey(wrappingKey);
    byte[] raw = Base64Url.decode(k);
    if (raw.length < IV_BYTES + TAG_BITS / 8) {
      throw new IllegalArgumentException("wrapped key is too short");
    }
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(wrappingKey, "AES"),
          new GCMParameterSpec(TAG_BITS, Arrays.copyOf(raw, IV_BYTES)));
      cipher.updateAAD(kid.getBytes(StandardCharsets.UTF_8));
      return cipher.doFinal(raw, IV_BYTES, raw.length - IV_BYTES);
    } catch (javax.crypto.AEADBadTagException e) {
      throw new IllegalArgumentException("wrapped key does not authenticate under this wrapping key and kid");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available: " + e.getMessage(), e);
    }
  }

  private static void requireKey(byte[] wrappingKey) {
    if (wrappingKey == null || wrappingKey.length != WRAPPING_KEY_BYTES) {
      throw new IllegalArgumentException("the wrapping key must be 32 bytes");
    }
  }
}
