package dev.edgeperimeter.ingest.body;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import java.io.IOException;

/**
 * Bodies are UTF-8 JSON (contract §3). Jackson guesses a byte source's encoding from its first
 * four bytes: a byte-order mark or a NUL among them makes it read UTF-16 or UTF-32, whose offsets
 * are in characters, not bytes. Such input is refused here before any parser sees it, so every
 * parser of the ingest path reads UTF-8 and reports byte offsets.
 */
public final class Utf8Json {
  private Utf8Json() {
  }

  /** Null when {@code b[from..to)} can be read as UTF-8 JSON text, else why not (safe to return to the sender). */
  public static String problem(byte[] b, int from, int to) {
    int n = to - from;
    if (n >= 3 && (b[from] & 0xff) == 0xef && (b[from + 1] & 0xff) == 0xbb && (b[from + 2] & 0xff) == 0xbf) {
      return "it starts with a UTF-8 byte-order mark (send JSON without one)";
    }
    if (n >= 2 && ((b[from] & 0xff) == 0xfe && (b[from + 1] & 0xff) == 0xff
        || (b[from] & 0xff) == 0xff && (b[from + 1] & 0xff) == 0xfe)) {
      return "it starts with a UTF-16 or UTF-32 byte-order mark";
    }
    for (int i = from; i < Math.min(to, from + 4); i++) {
      if (b[i] == 0) {
        return "NUL byte among the first bytes (UTF-16 or UTF-32 text is not accepted)";
      }
    }
    return null;
  }

  /** A parser over {@code b[off..off+len)} that reads UTF-8, or a parse error when the range is not UTF-8 JSON. */
  public static JsonParser parser(JsonFactory factory, byte[] b, int off, int len) throws IOException {
    String problem = problem(b, off, off + len);
    if (problem != null) {
      throw new JsonParseException(null, "not UTF-8 JSON: " + problem);
    }
    return factory.createParser(b, off, len);
  }
}
