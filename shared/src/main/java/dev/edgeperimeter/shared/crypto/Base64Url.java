package dev.edgeperimeter.shared.crypto;

import java.util.Arrays;
import java.util.Base64;

/**
 * Strict, canonical, unpadded base64url (RFC 7515 section 2, RFC 4648 section 5).
 *
 * <p>Decoding accepts exactly one encoding per byte string: any character outside the URL-safe
 * alphabet, padding, a length of {@code 4n+1}, or non-zero unused trailing bits (RFC 4648 section
 * 3.5: the JDK decoder ignores them, so {@code "YR"} and {@code "YQ"} would both decode to
 * {@code "a"}) is refused. Validation and decoding are one table-driven pass over the characters,
 * cheap enough for every request of a hot path, and work on a range of a larger string (the parts
 * of a JWS) without copying it.
 */
public final class Base64Url {
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final byte[] VALUES = new byte[128];

  static {
    Arrays.fill(VALUES, (byte) -1);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    for (int i = 0; i < alphabet.length(); i++) {
      VALUES[alphabet.charAt(i)] = (byte) i;
    }
  }

  private Base64Url() {
  }

  /** Unpadded base64url of {@code bytes} (always canonical). */
  public static String encode(byte[] bytes) {
    return ENCODER.encodeToString(bytes);
  }

  /**
   * Whether {@code s[from, to)} is strict canonical unpadded base64url: URL-safe alphabet only, no
   * padding, length not {@code 4n+1}, unused trailing bits zero. The empty range is valid (no bytes).
   */
  public static boolean isStrict(CharSequence s, int from, int to) {
    return decodeOrNull(s, from, to) != null; // one definition of the rule: the decoder's
  }

  /**
   * Decodes {@code s[from, to)}, or returns {@code null} when it is not strict canonical unpadded
   * base64url (no exception on the refusal path: callers on a hot path map it to their own error).
   */
  public static byte[] decodeOrNull(CharSequence s, int from, int to) {
    if (from < 0 || to > s.length() || from > to) {
      return null;
    }
    int len = to - from;
    int rem = len & 3;
    if (rem == 1) {
      return null;
    }
    byte[] out = new byte[len / 4 * 3 + Math.max(rem - 1, 0)];
    int o = 0;
    int i = from;
    int full = from + (len & ~3);
    int invalid = 0; // negative once any character is outside the alphabet
    while (i < full) {
      int a = value(s.charAt(i));
      int b = value(s.charAt(i + 1));
      int c = value(s.charAt(i + 2));
      int d = value(s.charAt(i + 3));
      invalid |= a | b | c | d;
      int v = a << 18 | b << 12 | c << 6 | d;
      out[o++] = (byte) (v >> 16);
      out[o++] = (byte) (v >> 8);
      out[o++] = (byte) v;
      i += 4;
    }
    if (rem == 2) {
      int a = value(s.charAt(i));
      int b = value(s.charAt(i + 1));
      invalid |= a | b | -(b & 0x0F); // 12 bits carry 8: the low 4 must be zero
      out[o] = (byte) ((a << 2) | (b >> 4));
    } else if (rem == 3) {
      int a = value(s.charAt(i));
      int b = value(s.charAt(i + 1));
      int c = value(s.charAt(i + 2));
      invalid |= a | b | c | -(c & 0x03); // 18 bits carry 16: the low 2 must be zero
      int v = a << 18 | b << 12 | c << 6;
      out[o++] = (byte) (v >> 16);
      out[o] = (byte) (v >> 8);
    }
    return invalid < 0 ? null : out;
  }

  /** The 6-bit value of an alphabet character; negative for any other character. */
  private static int value(char c) {
    return c < 128 ? VALUES[c] : -1;
  }

  /**
   * Decodes strict canonical unpadded base64url.
   *
   * @throws IllegalArgumentException on anything else (see {@link #isStrict})
   */
  public static byte[] decode(String s) {
    byte[] out = decodeOrNull(s, 0, s.length());
    if (out == null) {
      throw new IllegalArgumentException("not strict unpadded base64url");
    }
    return out;
  }
}
