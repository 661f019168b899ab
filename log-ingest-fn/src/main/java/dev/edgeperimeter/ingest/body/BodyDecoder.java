package dev.edgeperimeter.ingest.body;

import dev.edgeperimeter.ingest.IngestException;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * Turns the request body into the decompressed bytes the pipeline reads, under a hard size cap.
 * Gzip is recognized by {@code Content-Encoding: gzip} or by its magic bytes; decompression stops
 * after {@code maxBytes + 1} bytes, so a gzip bomb costs at most the cap in memory and is refused
 * with 413.
 */
public final class BodyDecoder {
  private BodyDecoder() {
  }

  public static byte[] decode(byte[] raw, String contentEncoding, int maxBytes) throws IngestException {
    String encoding = contentEncoding == null ? "" : contentEncoding.trim().toLowerCase(Locale.ROOT);
    boolean gzipMagic = raw.length >= 2 && (raw[0] & 0xff) == 0x1f && (raw[1] & 0xff) == 0x8b;
    boolean gzip = encoding.equals("gzip") || encoding.equals("x-gzip") || gzipMagic;
    if (!gzip && !encoding.isEmpty() && !encoding.equals("identity")) {
      throw IngestException.unreadable("unsupported Content-Encoding (use gzip or none)");
    }
    if (!gzip) {
      if (raw.length > maxBytes) {
        throw IngestException.tooLarge("body exceeds " + maxBytes + " bytes");
      }
      return raw;
    }
    if (!gzipMagic) {
      throw IngestException.unreadable("Content-Encoding is gzip but the body is not gzip data "
          + "(send it as a binary media type so API Gateway passes it base64-encoded)");
    }
    return gunzip(raw, maxBytes);
  }

  private static byte[] gunzip(byte[] raw, int maxBytes) throws IngestException {
    // The gzip trailer's ISIZE (uncompressed size mod 2^32, last member only) is a hint for the
    // first allocation: exact for honest single-member bodies, capped for lies and bombs.
    long isize = raw.length >= 18
        ? (raw[raw.length - 4] & 0xffL) | (raw[raw.length - 3] & 0xffL) << 8
            | (raw[raw.length - 2] & 0xffL) << 16 | (raw[raw.length - 1] & 0xffL) << 24
        : 0;
    int initial = (int) Math.min((long) maxBytes + 1, Math.max(64 * 1024L, isize));
    byte[] out = new byte[initial];
    byte[] probe = new byte[1];
    int size = 0;
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw), 16 * 1024)) {
      while (true) {
        if (size == out.length) {
          int b = in.read(probe, 0, 1);
          if (b < 0) {
            break;
          }
          if (size + 1 > maxBytes) {
            throw IngestException.tooLarge("decompressed body exceeds " + maxBytes + " bytes");
          }
          out = Arrays.copyOf(out, (int) Math.min((long) maxBytes + 1, (long) out.length * 2));
          out[size++] = probe[0];
          continue;
        }
        int n = in.read(out, size, out.length - size);
        if (n < 0) {
          break;
        }
        size += n;
        if (size > maxBytes) {
          throw IngestException.tooLarge("decompressed body exceeds " + maxBytes + " bytes");
        }
      }
    } catch (IOException e) {
      throw IngestException.unreadable("gzip data is corrupt or truncated");
    }
    return size == out.length ? out : Arrays.copyOf(out, size);
  }
}
