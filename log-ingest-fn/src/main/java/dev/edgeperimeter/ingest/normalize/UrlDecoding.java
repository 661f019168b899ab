package dev.edgeperimeter.ingest.normalize;

import dev.edgeperimeter.ingest.ByteSink;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Decodes DataStream 2's URL-encoded fields ({@code UA}, {@code referer}, {@code queryStr},
 * {@code breadcrumbs}, EdgeWorkers log {@code body}, ...): {@code %XX} octets as UTF-8 and {@code +}
 * as a space, the way DataStream 2 encodes them (RFC 1738 hex escapes, form-style spaces).
 * Never fails: a malformed escape stays literal, invalid UTF-8 becomes U+FFFD.
 *
 * <p>An instance reuses its buffers (one per pipeline, not thread-safe); {@link #decode(String)}
 * is the allocation-per-call convenience.
 */
public final class UrlDecoding {
  private byte[] bytes = new byte[1024];
  private char[] chars = new char[1024];
  private int length;
  private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPLACE)
      .onUnmappableCharacter(CodingErrorAction.REPLACE);

  /** True when the text holds nothing to decode. */
  public static boolean isPlain(char[] c, int off, int len) {
    for (int i = off; i < off + len; i++) {
      if (c[i] == '%' || c[i] == '+') {
        return false;
      }
    }
    return true;
  }

  /** Decodes into {@link #chars()}[0, {@link #length()}). */
  public void decode(char[] c, int off, int len) {
    if (bytes.length < len * 3) {
      bytes = new byte[len * 3];
    }
    int o = 0;
    boolean nonAscii = false;
    int end = off + len;
    for (int i = off; i < end; i++) {
      char ch = c[i];
      if (ch == '+') {
        bytes[o++] = ' ';
      } else if (ch == '%' && i + 2 < end && hex(c[i + 1]) >= 0 && hex(c[i + 2]) >= 0) {
        int b = (hex(c[i + 1]) << 4) | hex(c[i + 2]);
        nonAscii |= b >= 0x80;
        bytes[o++] = (byte) b;
        i += 2;
      } else if (ch < 0x80) {
        bytes[o++] = (byte) ch;
      } else {
        // raw non-ASCII in an encoded field (rare): re-encode this code point as UTF-8
        nonAscii = true;
        int cp = Character.codePointAt(c, i, end);
        if (Character.isSupplementaryCodePoint(cp)) {
          i++;
        }
        byte[] enc = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
        System.arraycopy(enc, 0, bytes, o, enc.length);
        o += enc.length;
      }
    }
    if (chars.length < o) {
      chars = new char[Math.max(o, chars.length * 2)];
    }
    if (!nonAscii) {
      for (int k = 0; k < o; k++) {
        chars[k] = (char) bytes[k];
      }
      length = o;
      return;
    }
    utf8.reset();
    CharBuffer out = CharBuffer.wrap(chars);
    CoderResult r = utf8.decode(ByteBuffer.wrap(bytes, 0, o), out, true);
    if (!r.isUnderflow()) {
      // cannot overflow: UTF-8 never yields more chars than bytes
      throw new IllegalStateException("UTF-8 decoding overflow");
    }
    utf8.flush(out);
    length = out.position();
  }

  /**
   * Decodes {@code in[off, off+len)} and writes it to {@code out} as a JSON string, quotes
   * included, escaping what JSON requires. Returns false, writing nothing, for text with non-ASCII
   * characters or decoding to invalid UTF-8 (the caller then decodes with replacement characters).
   */
  public boolean decodeToJson(char[] in, int off, int len, ByteSink out) {
    if (len <= DIRECT_LIMIT) {
      return decodeToJsonDirect(in, off, len, out);
    }
    int mark = out.size();
    out.write('"');
    boolean nonAscii = false;
    int end = off + len;
    for (int i = off; i < end; i++) {
      char ch = in[i];
      int d;
      if (ch == '+') {
        d = ' ';
      } else if (ch == '%' && i + 2 < end && hex(in[i + 1]) >= 0 && hex(in[i + 2]) >= 0) {
        d = (hex(in[i + 1]) << 4) | hex(in[i + 2]);
        i += 2;
      } else if (ch >= 0x80) {
        out.truncate(mark);
        return false;
      } else {
        d = ch;
      }
      if (d >= 0x80) {
        nonAscii = true;
        out.write(d);
      } else if (d == '"' || d == '\\') {
        out.write('\\');
        out.write(d);
      } else if (d < 0x20) {
        out.write('\\');
        out.write('u');
        out.write('0');
        out.write('0');
        out.write(HEX[d >> 4]);
        out.write(HEX[d & 0xf]);
      } else {
        out.write(d);
      }
    }
    out.write('"');
    if (nonAscii && !validUtf8(out.array(), mark + 1, out.size() - 1)) {
      out.truncate(mark);
      return false;
    }
    return true;
  }

  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  /** Longest text decoded straight into the sink's array (room reserved up front: 6 bytes per char). */
  private static final int DIRECT_LIMIT = 8 * 1024;

  /** ASCII chars that are neither decoded nor escaped: copied as they are. */
  private static final boolean[] COPIED = new boolean[0x80];

  /** Hex digit values by ASCII code, -1 for anything else. */
  private static final byte[] HEX_VALUE = new byte[128];

  static {
    java.util.Arrays.fill(HEX_VALUE, (byte) -1);
    for (int i = 0; i < 10; i++) {
      HEX_VALUE['0' + i] = (byte) i;
    }
    for (int i = 0; i < 6; i++) {
      HEX_VALUE['a' + i] = (byte) (10 + i);
      HEX_VALUE['A' + i] = (byte) (10 + i);
    }
    for (int ch = 0x20; ch < 0x80; ch++) {
      COPIED[ch] = ch != '%' && ch != '+' && ch != '"' && ch != '\\';
    }
  }

  /**
   * {@link #decodeToJson} for texts up to {@link #DIRECT_LIMIT}: the same output, written straight
   * into the sink's array. Every input char yields at most 6 output bytes (an escaped control
   * character).
   */
  private static boolean decodeToJsonDirect(char[] in, int off, int len, ByteSink out) {
    int mark = out.size();
    byte[] b = out.reserve(6 * len + 2);
    int o = mark;
    b[o++] = '"';
    boolean nonAscii = false;
    int end = off + len;
    for (int i = off; i < end; i++) {
      char ch = in[i];
      if (ch < 0x80 && COPIED[ch]) {
        b[o++] = (byte) ch;
        continue;
      }
      int d;
      if (ch == '%') {
        int h = i + 2 < end ? hexFast(in[i + 1]) : -1;
        int l = h >= 0 ? hexFast(in[i + 2]) : -1;
        if (l >= 0) {
          d = (h << 4) | l;
          i += 2;
        } else {
          d = '%';
        }
      } else if (ch == '+') {
        d = ' ';
      } else if (ch >= 0x80) {
        out.truncate(mark);
        return false;
      } else {
        d = ch;
      }
      if (d >= 0x80) {
        nonAscii = true;
        b[o++] = (byte) d;
      } else if (d >= 0x20 && d != '"' && d != '\\') {
        b[o++] = (byte) d;
      } else if (d >= 0x20) {
        b[o++] = '\\';
        b[o++] = (byte) d;
      } else {
        b[o++] = '\\';
        b[o++] = 'u';
        b[o++] = '0';
        b[o++] = '0';
        b[o++] = HEX[d >> 4];
        b[o++] = HEX[d & 0xf];
      }
    }
    b[o++] = '"';
    out.truncate(o);
    if (nonAscii && !validUtf8(b, mark + 1, o - 1)) {
      out.truncate(mark);
      return false;
    }
    return true;
  }

  private static int hexFast(char c) {
    return c < 128 ? HEX_VALUE[c] : -1;
  }

  /** Strict UTF-8 in {@code b[from, to)}: no overlongs, no surrogates, at most U+10FFFF. */
  public static boolean validUtf8(byte[] b, int from, int to) {
    int i = from;
    while (i < to) {
      int c = b[i] & 0xff;
      if (c < 0x80) {
        i++;
        continue;
      }
      int n;
      int min;
      if (c >= 0xc2 && c <= 0xdf) {
        n = 1;
        min = 0x80;
      } else if (c >= 0xe0 && c <= 0xef) {
        n = 2;
        min = 0x800;
      } else if (c >= 0xf0 && c <= 0xf4) {
        n = 3;
        min = 0x10000;
      } else {
        return false;
      }
      if (i + n >= to) {
        return false;
      }
      int cp = c & (0x3f >> n);
      for (int k = 1; k <= n; k++) {
        int cc = b[i + k] & 0xff;
        if ((cc & 0xc0) != 0x80) {
          return false;
        }
        cp = (cp << 6) | (cc & 0x3f);
      }
      if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
        return false;
      }
      i += n + 1;
    }
    return true;
  }

  public char[] chars() {
    return chars;
  }

  public int length() {
    return length;
  }

  public static String decode(String s) {
    char[] c = s.toCharArray();
    if (isPlain(c, 0, c.length)) {
      return s;
    }
    UrlDecoding d = new UrlDecoding();
    d.decode(c, 0, c.length);
    return new String(d.chars(), 0, d.length());
  }

  private static int hex(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }
}
