package dev.edgeperimeter.ingest;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable byte array that Jackson generators write into and callers read back by offset, with
 * no copy on read ({@link #array()}) and cheap rewind ({@link #truncate(int)}). Not thread-safe.
 */
final class ByteSink extends OutputStream {
  private byte[] bytes;
  private int size;

  ByteSink(int initialCapacity) {
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

  void writeAscii(String s) {
    int len = s.length();
    ensure(len);
    for (int i = 0; i < len; i++) {
      bytes[size++] = (byte) s.charAt(i);
    }
  }

  /** Writes chars known to be ASCII (digits, signs) as bytes. */
  void writeAscii(char[] c, int off, int len) {
    ensure(len);
    for (int i = off; i < off + len; i++) {
      bytes[size++] = (byte) c[i];
    }
  }

  /**
   * Writes {@code "text"} when every char is printable ASCII other than quote and backslash (no
   * escaping needed); otherwise writes nothing and returns false.
   */
  boolean writePlainJsonString(char[] c, int off, int len) {
    ensure(len + 2);
    int start = size;
    bytes[size++] = '"';
    for (int i = off; i < off + len; i++) {
      char ch = c[i];
      if (ch < 0x20 || ch >= 0x7f || ch == '"' || ch == '\\') {
        size = start;
        return false;
      }
      bytes[size++] = (byte) ch;
    }
    bytes[size++] = '"';
    return true;
  }

  void writeUtf8(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    write(b, 0, b.length);
  }

  void writeLong(long value) {
    writeAscii(Long.toString(value));
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

  byte[] array() {
    return bytes;
  }

  int size() {
    return size;
  }

  void truncate(int newSize) {
    size = newSize;
  }

  void reset() {
    size = 0;
  }
}
