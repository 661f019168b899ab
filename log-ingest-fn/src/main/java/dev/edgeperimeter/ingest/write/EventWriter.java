package dev.edgeperimeter.ingest.write;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.edgeperimeter.ingest.ByteSink;
import dev.edgeperimeter.ingest.IngestLimits;
import dev.edgeperimeter.ingest.NormalizedEvents;
import dev.edgeperimeter.ingest.PutLogEventsBatcher;
import dev.edgeperimeter.ingest.RejectReason;
import dev.edgeperimeter.ingest.normalize.NormalizedRecord;
import dev.edgeperimeter.ingest.stream.StreamNames;

/**
 * Appends a normalized record to the body's {@link NormalizedEvents} as one event line:
 * {@code {"ts":<epoch ms>,"eid":"<batch key>-<record index>","reqId":"...","source":"...","kind":"...",
 * <the record's fields>}} ({@link EventIds}),
 * truncated past {@link IngestLimits#MAX_EVENT_BYTES} ({@link EventTruncation}), into the log
 * stream {@code <prefix>/<UTC day>}. A record CloudWatch Logs would refuse for its time is not
 * written: the reason is returned instead.
 */
public final class EventWriter {
  /** The last instant ISO-8601 can write with a four-digit year (9999-12-31T23:59:59.999Z). */
  private static final long MAX_TIMESTAMP = 253_402_300_799_999L;

  private final NormalizedEvents events;
  private final StreamNames streams;
  private final long nowMillis;

  public EventWriter(NormalizedEvents events, StreamNames streams, long nowMillis) {
    this.events = events;
    this.streams = streams;
    this.nowMillis = nowMillis;
  }

  /**
   * Writes the record as event of record {@code recordIndex}.
   *
   * @return null when written, else why the record is not stored
   */
  public RejectReason write(int recordIndex, NormalizedRecord record) {
    if (record.refusal() != null) {
      return record.refusal();
    }
    long ts = record.timestamp();
    if (ts < 0 || ts > MAX_TIMESTAMP) {
      return RejectReason.NO_TIMESTAMP;
    }
    RejectReason age = PutLogEventsBatcher.checkAge(ts, nowMillis);
    if (age != null) {
      return age;
    }
    ByteSink out = events.sink();
    int offset = out.size();
    writeHead(out, record, recordIndex);
    byte[] inner = record.fields();
    int innerLen = record.fieldsLength();
    // inner is "{...}"; the head already opened the object
    if (innerLen > 2) {
      out.write(',');
      out.write(inner, 1, innerLen - 1);
    } else {
      out.write('}');
    }
    int length = out.size() - offset;
    if (length > IngestLimits.MAX_EVENT_BYTES) {
      length = EventTruncation.truncate(out, offset, length, ts, recordIndex, record.reqIdString(), record.source(),
          record.kind());
    }
    events.add(ts, offset, length, recordIndex, streams.name(record.streamPrefix(), ts));
    return null;
  }

  private static void writeHead(ByteSink out, NormalizedRecord record, int recordIndex) {
    out.writeAscii("{\"ts\":");
    out.writeLong(record.timestamp());
    writeId(out, recordIndex);
    if (record.reqIdLength() >= 0) {
      out.writeAscii(",\"reqId\":\"");
      if (!out.writeAsciiJsonChars(record.reqIdChars(), 0, record.reqIdLength())) {
        writeEscaped(out, record.reqIdString());
      }
      out.write('"');
    }
    out.writeAscii(",\"source\":\"");
    out.writeAscii(record.source());
    out.writeAscii("\",\"kind\":\"");
    out.writeAscii(record.kind());
    out.write('"');
  }

  /** {@code ,"eid":"<placeholder key>-<zero-padded index>"} (see {@link EventIds}). */
  static void writeId(ByteSink out, int recordIndex) {
    out.writeAscii(EventIds.MEMBER);
    out.write(EventIds.PLACEHOLDER, 0, EventIds.PLACEHOLDER.length);
    out.write('-');
    for (int pad = EventIds.INDEX_DIGITS - EventIds.digits(recordIndex); pad > 0; pad--) {
      out.write('0');
    }
    out.writeLong(recordIndex);
    out.write('"');
  }

  /** Writes a string's JSON-escaped UTF-8 form (without quotes). */
  static void writeEscaped(ByteSink out, String value) {
    boolean plain = true;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
        plain = false;
        break;
      }
    }
    if (plain) {
      out.writeAscii(value);
    } else {
      byte[] b = JsonStringEncoder.getInstance().quoteAsUTF8(value);
      out.write(b, 0, b.length);
    }
  }
}
