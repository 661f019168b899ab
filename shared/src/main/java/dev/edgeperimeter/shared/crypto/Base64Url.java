package dev.edgeperimeter.shared.crypto;

import java.util.Base64;

/** Strict unpadded base64url (RFC 7515 section 2): padding and any other alphabet are refused. */
public final class Base64Url {
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

  private Base64Url() {
  }

  public static String encode(byte[] bytes) {
    return ENCODER.encodeToString(bytes);
  }

  /** True when every character is in the base64url alphabet and the length is a valid unpadded one. */
  public static boolean isStrict(CharSequence s, int from, int to) {
    int len = to - from;
    if (len % 4 == 1) {
      return false;
    }
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** Decodes strict unpadded base64url; throws {@link IllegalArgumentException} on anything else. */
  public static byte[] decode(String s) {
    if (!isStrict(s, 0, s.length())) {
      throw new IllegalArgumentException("not unpadded base64url");
    }
    return DECODER.decode(s);
  }
}
