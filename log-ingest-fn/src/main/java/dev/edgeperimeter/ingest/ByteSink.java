package dev.edgeperimeter.ingest;

import java.io.OutputStream;
import java.util.Arrays;

/**
 * A growable byte array that Jackson generators write into and callers read back by offset, with
 * no copy on read ({@link #array()}) and cheap rewind ({@link #truncate(int)}). Not thread-safe.
 */
public final class ByteSink extends OutputStream {
  /** ASCII chars a JSON string holds as they are: printable, not {@code "} or {@code \\}. */
  static final boolean[] PLAIN = new boolean[0x80];

  static {
    for (int ch = 0x20; ch < 0x7f; ch++) {
      PLAIN[ch] = ch != '"' && ch != '\\';
    }
  }

  private byte[] bytes;
  private int size;

  public ByteSink(int initialCapacity) {
    bytes = new byte[Math.max(64, initialCapacity)];
  }

  @Override
  public void write(int b) {
    ensure(1);
    bytes[size++] = (byte) b;
  }

  @Override
  public void write(byte[] b, int off, int len) {
    ensure(len);
    System.arraycopy(b, off, bytes, size, len);
    size += len;
  }

  public void writeAscii(String s) {
    int len = s.length();
    ensure(len);
    for (int i = 0; i < len; i++) {
      bytes[size++] = (byte) s.charAt(i);
    }
  }

  /** Writes chars known to be ASCII (digits, signs) as bytes. */
  public void writeAscii(char[] c, int off, int len) {
    ensure(len);
    for (int i = off; i < off + len; i++) {
      bytes[size++] = (byte) c[i];
    }
  }

  /**
   * Writes {@code "text"} as a JSON string when every char is printable ASCII ({@code "} and
   * {@code \\} escaped, as Jackson's generator escapes them); otherwise writes nothing and returns false.
   */
  public boolean writeAsciiJsonString(char[] c, int off, int len) {
    int start = size;
    ensure(len + 2);
    bytes[size++] = '"';
    if (!writeAsciiJsonChars(c, off, len)) {
      size = start;
      return false;
    }
    ensure(1);
    bytes[size++] = '"';
    return true;
  }

  /** {@link #writeAsciiJsonString} without the quotes. */
  public boolean writeAsciiJsonChars(char[] c, int off, int len) {
    int start = size;
    ensure(len);
    byte[] b = bytes;
    int o = size;
    int end = off + len;
    for (int i = off; i < end; i++) {
      char ch = c[i];
      if (ch < 0x80 && PLAIN[ch]) {
        b[o++] = (byte) ch;
        continue;
      }
      if (ch < 0x20 || ch >= 0x7f) {
        size = start;
        return false;
      }
      if (ch == '"' || ch == '\\') {
        size = o;
        ensure(end - i + 1);
        b = bytes;
        b[o++] = '\\';
      }
      b[o++] = (byte) ch;
    }
    size = o;
    return true;
  }

  public void writeLong(long value) {
    if (value < 0) {
      writeAscii(Long.toString(value));
      return;
    }
    int digits = 1;
    for (long v = value / 10; v != 0; v /= 10) {
      digits++;
    }
    ensure(digits);
    int end = size + digits;
    for (int i = end - 1; i >= size; i--) {
      bytes[i] = (byte) ('0' + value % 10);
      value /= 10;
    }
    size = end;
  }

  /**
   * Makes room for {@code extra} more bytes and returns the backing array, to be written directly
   * from {@link #size()} on and committed with {@link #truncate(int)}.
   */
  public byte[] reserve(int extra) {
    ensure(extra);
    return bytes;
  }

  private void ensure(int extra) {
    int needed = size + extra;
    if (needed < 0) {
      throw new OutOfMemoryError("buffer beyond 2 GiB");
    }
    if (needed > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(needed, bytes.length + (bytes.length >> 1)));
    }
  }

  public byte[] array() {
    return bytes;
  }

  public int size() {
    return size;
  }

  public void truncate(int newSize) {
    size = newSize;
  }

  public void reset() {
    size = 0;
  }
}
