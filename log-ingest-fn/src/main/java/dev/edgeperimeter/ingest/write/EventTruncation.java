package dev.edgeperimeter.ingest.write;

import dev.edgeperimeter.ingest.ByteSink;
import dev.edgeperimeter.ingest.IngestLimits;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Replaces an event line larger than one PutLogEvents event may be with a valid JSON line that
 * says so: {@code {"ts":..,"eid":..,"reqId":..,"source":..,"kind":..,"truncated":true,"originalBytes":N,
 * "partial":"<the line's beginning, as a JSON string>"}}. Nothing is dropped silently.
 */
final class EventTruncation {
  private EventTruncation() {
  }

  /** Rewrites the event at {@code offset}; returns its new length (≤ {@link IngestLimits#MAX_EVENT_BYTES}). */
  static int truncate(ByteSink out, int offset, int length, long ts, int recordIndex, String reqId, String source, String kind) {
    byte[] original = java.util.Arrays.copyOfRange(out.array(), offset, offset + length);
    out.truncate(offset);
    out.writeAscii("{\"ts\":");
    out.writeLong(ts);
    EventWriter.writeId(out, recordIndex);
    if (reqId != null) {
      out.writeAscii(",\"reqId\":\"");
      EventWriter.writeEscaped(out, reqId);
      out.write('"');
    }
    out.writeAscii(",\"source\":\"" + source + "\",\"kind\":\"" + kind + "\",\"truncated\":true,\"originalBytes\":");
    out.writeLong(length);
    out.writeAscii(",\"partial\":\"");
    int budget = IngestLimits.MAX_EVENT_BYTES - (out.size() - offset) - 2;
    int take = Math.min(original.length, budget);
    byte[] escaped;
    while (true) {
      take = utf8Boundary(original, take);
      escaped = JsonStringEncoder.getInstance().quoteAsUTF8(new String(original, 0, take, StandardCharsets.UTF_8));
      if (escaped.length <= budget) {
        break;
      }
      take -= Math.max(1, (escaped.length - budget));
    }
    out.write(escaped, 0, escaped.length);
    out.writeAscii("\"}");
    return out.size() - offset;
  }

  /** The largest prefix length ≤ {@code n} that does not split a UTF-8 sequence. */
  private static int utf8Boundary(byte[] b, int n) {
    int i = Math.max(0, n);
    while (i > 0 && i < b.length && (b[i] & 0xC0) == 0x80) {
      i--;
    }
    return i;
  }
}
