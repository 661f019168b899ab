package dev.edgeperimeter.authorizer.assertion;

/**
 * Strict, canonical, unpadded base64url (RFC 4648 section 5) decoding in one table-driven pass:
 * any character outside the URL-safe alphabet, padding, a length of 4n+1, or non-zero unused
 * trailing bits (section 3.5) is refused, so every byte string has exactly one accepted encoding.
 * Same acceptance as the shared {@code Base64Url.isStrict} plus the canonical-bits rule, without
 * its per-character interface calls (this runs on every request).
 */
public final class StrictBase64Url {
  private static final byte[] VALUES = new byte[128];

  static {
    java.util.Arrays.fill(VALUES, (byte) -1);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    for (int i = 0; i < alphabet.length(); i++) {
      VALUES[alphabet.charAt(i)] = (byte) i;
    }
  }

  private StrictBase64Url() {
  }

  /** Whether {@code s[from, to)} is strict canonical unpadded base64url. */
  public static boolean isValid(String s, int from, int to) {
    int len = to - from;
    int rem = len & 3;
    if (rem == 1) {
      return false;
    }
    int last = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c >= 128 || (last = VALUES[c]) < 0) {
        return false;
      }
    }
    return rem == 0 || (rem == 2 ? (last & 0x0F) == 0 : (last & 0x03) == 0);
  }

  /** Decodes {@code s[from, to)}; returns {@code null} when it is not strict canonical base64url. */
  public static byte[] decode(String s, int from, int to) {
    if (!isValid(s, from, to)) {
      return null;
    }
    int len = to - from;
    byte[] out = new byte[len * 3 / 4];
    int o = 0;
    int i = from;
    int full = from + (len & ~3);
    while (i < full) {
      int v = VALUES[s.charAt(i)] << 18 | VALUES[s.charAt(i + 1)] << 12 | VALUES[s.charAt(i + 2)] << 6
          | VALUES[s.charAt(i + 3)];
      out[o++] = (byte) (v >> 16);
      out[o++] = (byte) (v >> 8);
      out[o++] = (byte) v;
      i += 4;
    }
    int rem = to - i;
    if (rem == 2) {
      int v = VALUES[s.charAt(i)] << 18 | VALUES[s.charAt(i + 1)] << 12;
      out[o] = (byte) (v >> 16);
    } else if (rem == 3) {
      int v = VALUES[s.charAt(i)] << 18 | VALUES[s.charAt(i + 1)] << 12 | VALUES[s.charAt(i + 2)] << 6;
      out[o++] = (byte) (v >> 16);
      out[o] = (byte) (v >> 8);
    }
    return out;
  }
}
