package dev.edgeperimeter.ingest.normalize;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;

/** Small JSON helpers shared by the normalizers and the framing. */
public final class JsonValues {
  private JsonValues() {
  }

  /** Encoded {@code "name":}. */
  static byte[] encodeName(String name) {
    byte[] quoted = JsonStringEncoder.getInstance().quoteAsUTF8(name);
    byte[] b = new byte[quoted.length + 3];
    b[0] = '"';
    System.arraycopy(quoted, 0, b, 1, quoted.length);
    b[b.length - 2] = '"';
    b[b.length - 1] = ':';
    return b;
  }

  static JsonParseException duplicate(JsonParser p, String name) {
    return new JsonParseException(p, "Duplicate field '" + name + "'");
  }

  /**
   * Copies the structure the parser is on to {@code g} (or only reads past it when {@code g} is
   * null), refusing duplicate keys at every level. Recursion is bounded by the parser's nesting limit.
   */
  public static void copyCheckingDuplicates(JsonParser p, JsonGenerator g) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.START_OBJECT) {
      if (g != null) {
        g.writeStartObject();
      }
      Set<String> names = new HashSet<>();
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String member = p.currentName();
        if (!names.add(member)) {
          throw duplicate(p, member);
        }
        if (g != null) {
          g.writeFieldName(member);
        }
        p.nextToken();
        copyCheckingDuplicates(p, g);
      }
      if (t != JsonToken.END_OBJECT) {
        throw new JsonParseException(p, "unexpected end of object");
      }
      if (g != null) {
        g.writeEndObject();
      }
    } else if (t == JsonToken.START_ARRAY) {
      if (g != null) {
        g.writeStartArray();
      }
      while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
        if (t == null) {
          throw new JsonParseException(p, "unexpected end of array");
        }
        copyCheckingDuplicates(p, g);
      }
      if (g != null) {
        g.writeEndArray();
      }
    } else if (g != null) {
      g.copyCurrentEvent(p);
    }
  }

  /** The text of a string or integer value, else null. */
  static String scalarText(JsonParser p, JsonToken v) throws IOException {
    return v == JsonToken.VALUE_STRING || v == JsonToken.VALUE_NUMBER_INT ? p.getText() : null;
  }

  /** {@link #scalarText}, returning {@code last} itself when the text is the same (no allocation). */
  static String scalarText(JsonParser p, JsonToken v, String last) throws IOException {
    if (v != JsonToken.VALUE_STRING && v != JsonToken.VALUE_NUMBER_INT) {
      return null;
    }
    char[] c = p.getTextCharacters();
    int off = p.getTextOffset();
    int len = p.getTextLength();
    if (last != null && last.length() == len) {
      int i = 0;
      while (i < len && last.charAt(i) == c[off + i]) {
        i++;
      }
      if (i == len) {
        return last;
      }
    }
    return new String(c, off, len);
  }

  /** UTF-8 length of the current string value. */
  static int utf8Length(JsonParser p) throws IOException {
    char[] c = p.getTextCharacters();
    int off = p.getTextOffset();
    int len = p.getTextLength();
    int bytes = 0;
    for (int i = off; i < off + len; i++) {
      char ch = c[i];
      bytes += ch < 0x80 ? 1 : ch < 0x800 ? 2 : Character.isSurrogate(ch) ? 2 : 3;
    }
    return bytes;
  }
}
