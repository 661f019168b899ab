package dev.edgeperimeter.shared.json;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Strict UTF-8 decoding for the JSON parts of a JWS (RFC 8725 section 3.7: they must be UTF-8).
 * Malformed sequences, overlong forms, surrogates and a leading byte-order mark are refused, so that
 * no parser downstream can guess another encoding (Jackson detects UTF-16 and UTF-32 from a byte
 * array) or silently replace bytes.
 */
public final class StrictUtf8 {
  private StrictUtf8() {
  }

  /** The text of {@code bytes}, or {@code null} when they are not strict UTF-8 (or begin with a BOM). */
  public static String decodeOrNull(byte[] bytes) {
    if (bytes.length >= 3 && (bytes[0] & 0xff) == 0xEF && (bytes[1] & 0xff) == 0xBB && (bytes[2] & 0xff) == 0xBF) {
      return null;
    }
    boolean ascii = true;
    for (byte b : bytes) {
      if (b < 0) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      return new String(bytes, StandardCharsets.US_ASCII);
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
