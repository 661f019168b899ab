package dev.edgeperimeter.ingest.normalize;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.edgeperimeter.ingest.ByteSink;
import dev.edgeperimeter.ingest.RejectReason;
import dev.edgeperimeter.ingest.stream.StreamNames;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;

/**
 * Normalizes DataStream 2 records: CDN request logs ({@link Ds2Kind#CDN}) and EdgeWorkers
 * JavaScript log records ({@link Ds2Kind#JS_LOG}). Both arrive in the same streams and are told
 * apart only by their fields, so one pass reads either kind and {@link Ds2Kind} settles the rest at
 * the end of the record (timestamp, severity, log stream).
 *
 * <p>Hot path. Each field is handled by its {@link Ds2Role} and written straight into the record's
 * bytes: names from their cached encoded form, plain ASCII strings and numeric strings copied char
 * for byte, URL decoding straight to escaped JSON bytes; only nested, non-ASCII and
 * control-character values go through the generator. A duplicate key throws, as Jackson's strict
 * duplicate detection would (the NDJSON fast path parses without it).
 *
 * <p>Not thread-safe: one instance per body.
 */
public final class Ds2Normalizer {
  private static final byte[] N_EW_USAGE = JsonValues.encodeName("ewUsage");
  private static final byte[] N_EW_EXECUTION = JsonValues.encodeName("ewExecution");
  private static final byte[] N_EW_USAGE_ERROR = JsonValues.encodeName("ewUsageError");
  private static final byte[] N_EW_EXECUTION_ERROR = JsonValues.encodeName("ewExecutionError");

  private final NormalizedRecord record;
  private final StreamNames streams;
  private final Ds2FieldTable table = new Ds2FieldTable();
  private final UrlDecoding urlDecoding = new UrlDecoding();
  private boolean firstField;
  // the last streamId / ds2id text, reused while it stays the same
  private String lastStreamIdText;
  private String lastDs2idText;

  public Ds2Normalizer(NormalizedRecord record, StreamNames streams) {
    this.record = record;
    this.streams = streams;
  }

  /** The two kinds of DataStream 2 record, and what tells them apart. */
  enum Ds2Kind {
    /** CDN request log: timestamp {@code reqTimeSec}, stream by {@code streamId}, no severity. */
    CDN,
    /** EdgeWorkers JavaScript log: timestamp {@code time}, stream by {@code ds2id} (else {@code streamId}), severity. */
    JS_LOG;

    /** A record with a usable {@code reqTimeSec} is a CDN record; without it, one with {@code time}, {@code ds2id} or {@code severity} is a JS log. */
    static Ds2Kind of(boolean hasReqTime, boolean hasJsLogField) {
      return !hasReqTime && hasJsLogField ? JS_LOG : CDN;
    }
  }

  /** Reads the record the parser stands on (its START_OBJECT) into the {@link NormalizedRecord}. Malformed JSON throws. */
  public void normalize(JsonParser p) throws IOException {
    record.begin();
    ByteSink out = record.sink();
    out.write('{');
    firstField = true;
    table.beginRecord();
    long reqTimeMs = NumberText.INVALID;
    long timeMs = NumberText.INVALID;
    boolean jsLogField = false;
    String requestIdAttr = null;
    String streamId = null;
    String ds2id = null;
    JsonToken t;
    while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
      Ds2FieldTable.Field f = table.next(p.currentName(), p);
      JsonToken v = p.nextToken();
      switch (f.role) {
        case REQ_ID -> {
          if (v == JsonToken.VALUE_STRING || v == JsonToken.VALUE_NUMBER_INT) {
            record.reqId(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
          } else {
            field(f.encoded, p, v);
          }
        }
        case REQ_TIME -> {
          if (v == JsonToken.VALUE_STRING || v == JsonToken.VALUE_NUMBER_INT || v == JsonToken.VALUE_NUMBER_FLOAT) {
            reqTimeMs = NumberText.secondsToMillis(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
          }
          numeric(f.encoded, p, v);
        }
        case TIME -> {
          jsLogField = true;
          timeMs = jsTime(p, v);
          numeric(f.encoded, p, v);
        }
        case STATUS -> record.status = numeric(f.encoded, p, v);
        case CACHE -> record.cache = numeric(f.encoded, p, v);
        case EDGE_TURNAROUND -> record.edgeTurnaround = numeric(f.encoded, p, v);
        case ORIGIN_TURNAROUND -> record.originTurnaround = numeric(f.encoded, p, v);
        case STREAM_ID -> {
          streamId = lastStreamIdText = JsonValues.scalarText(p, v, lastStreamIdText);
          field(f.encoded, p, v);
        }
        case DS2ID -> {
          ds2id = lastDs2idText = JsonValues.scalarText(p, v, lastDs2idText);
          jsLogField = true;
          field(f.encoded, p, v);
        }
        case SEVERITY -> {
          jsLogField = true;
          record.severity = JsonValues.scalarText(p, v);
          field(f.encoded, p, v);
        }
        case ATTRIBUTES -> {
          name(f.encoded);
          requestIdAttr = copyCapturing(p, v, "request_id");
        }
        case EW_USAGE -> ewInfo(p, v, f.encoded, true);
        case EW_EXECUTION -> ewInfo(p, v, f.encoded, false);
        case URL_ENCODED -> urlDecoded(f.encoded, p, v);
        case NUMERIC -> numeric(f.encoded, p, v);
        case PLAIN, RENAMED -> field(f.encoded, p, v);
      }
    }
    out.write('}');
    if (!record.hasReqId() && requestIdAttr != null) {
      record.reqId(requestIdAttr);
    }
    record.source = "ds2";
    if (Ds2Kind.of(reqTimeMs != NumberText.INVALID, jsLogField) == Ds2Kind.JS_LOG) {
      record.kind = "ew-js-log";
      record.streamPrefix = streams.dataStream2Prefix(ds2id != null ? ds2id : streamId);
      record.timestamp = timeMs;
      if (record.severity == null) {
        record.severity = "none";
      }
    } else {
      record.kind = "cdn";
      record.streamPrefix = streams.dataStream2Prefix(streamId);
      record.timestamp = reqTimeMs;
      record.severity = null;
    }
    if (record.timestamp == NumberText.INVALID) {
      record.refusal = RejectReason.NO_TIMESTAMP;
    }
  }

  /** Writes {@code ,"name":} (the comma unless first) from its encoded form. */
  private void name(byte[] encoded) {
    if (!firstField) {
      record.sink().write(',');
    }
    firstField = false;
    record.sink().write(encoded, 0, encoded.length);
  }

  /** A field copied as it came: ASCII strings as raw input bytes, everything else through the generator. */
  private void field(byte[] name, JsonParser p, JsonToken v) throws IOException {
    name(name);
    if (v == JsonToken.VALUE_STRING
        && record.sink().writeAsciiJsonString(p.getTextCharacters(), p.getTextOffset(), p.getTextLength())) {
      return;
    }
    value(p);
  }

  /** Any value (scalar or structure) through the generator; nested objects are checked for duplicate keys. */
  private void value(JsonParser p) throws IOException {
    JsonGenerator gen = record.generator();
    JsonToken t = p.currentToken();
    if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
      JsonValues.copyCheckingDuplicates(p, gen);
    } else {
      gen.copyCurrentEvent(p);
    }
    gen.flush();
  }

  /**
   * A numeric field: a numeric string as a JSON number with the same digits, anything else as
   * given. Returns a non-negative integer value for the metrics, or {@link NormalizedRecord#NO_NUMBER}.
   */
  private long numeric(byte[] name, JsonParser p, JsonToken v) throws IOException {
    if (v == JsonToken.VALUE_STRING) {
      char[] c = p.getTextCharacters();
      int off = p.getTextOffset();
      int len = p.getTextLength();
      // the usual case: 1-18 digits, no leading zero (or just "0")
      if (len > 0 && (c[off] != '0' || len == 1)) {
        long value = NumberText.parseNonNegativeLong(c, off, len);
        if (value != NumberText.INVALID) {
          name(name);
          record.sink().writeAscii(c, off, len);
          return value;
        }
      }
      if (NumberText.isJsonNumber(c, off, len)) { // a number, but not a plain integer (the case above)
        name(name);
        record.sink().writeAscii(c, off, len);
        return NormalizedRecord.NO_NUMBER;
      }
      field(name, p, v);
      return NormalizedRecord.NO_NUMBER;
    }
    if (v == JsonToken.VALUE_NUMBER_INT || v == JsonToken.VALUE_NUMBER_FLOAT) {
      char[] c = p.getTextCharacters();
      int off = p.getTextOffset();
      int len = p.getTextLength();
      name(name);
      record.sink().writeAscii(c, off, len);
      long value = v == JsonToken.VALUE_NUMBER_INT ? NumberText.parseNonNegativeLong(c, off, len) : NumberText.INVALID;
      return value == NumberText.INVALID ? NormalizedRecord.NO_NUMBER : value;
    }
    field(name, p, v);
    return NormalizedRecord.NO_NUMBER;
  }

  private void urlDecoded(byte[] name, JsonParser p, JsonToken v) throws IOException {
    if (v != JsonToken.VALUE_STRING) {
      field(name, p, v);
      return;
    }
    char[] c = p.getTextCharacters();
    int off = p.getTextOffset();
    int len = p.getTextLength();
    name(name);
    if (UrlDecoding.isPlain(c, off, len) ? record.sink().writeAsciiJsonString(c, off, len)
        : urlDecoding.decodeToJson(c, off, len, record.sink())) {
      return;
    }
    // non-ASCII or invalid UTF-8 once decoded: decode with replacement characters via the generator
    urlDecoding.decode(c, off, len);
    JsonGenerator gen = record.generator();
    gen.writeString(urlDecoding.chars(), 0, urlDecoding.length());
    gen.flush();
  }

  /** {@code ewUsageInfo}/{@code ewExecutionInfo}: kept raw, plus the parsed form or the reason it is unusable. */
  private void ewInfo(JsonParser p, JsonToken v, byte[] name, boolean usage) throws IOException {
    if (v != JsonToken.VALUE_STRING) {
      field(name, p, v);
      return;
    }
    char[] c = p.getTextCharacters();
    int off = p.getTextOffset();
    int len = p.getTextLength();
    name(name);
    ByteSink out = record.sink();
    if (!out.writeAsciiJsonString(c, off, len)) {
      record.generator().writeString(c, off, len);
      record.generator().flush();
    }
    String problem = EwInfoParser.validate(c, off, len);
    if (problem == null) {
      name(usage ? N_EW_USAGE : N_EW_EXECUTION);
      EwInfoParser.write(out, c, off, len, usage, record.edgeWorkerErrors);
    } else {
      name(usage ? N_EW_USAGE_ERROR : N_EW_EXECUTION_ERROR);
      out.write('"');
      out.writeAscii(problem);
      out.write('"');
    }
  }

  /**
   * Writes an object value member by member through the generator, returning the string value of
   * member {@code capture}. Duplicate keys are refused at every level.
   */
  private String copyCapturing(JsonParser p, JsonToken v, String capture) throws IOException {
    if (v != JsonToken.START_OBJECT) {
      value(p);
      return null;
    }
    JsonGenerator gen = record.generator();
    String captured = null;
    gen.writeStartObject();
    Set<String> members = new HashSet<>();
    JsonToken t;
    while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
      String member = p.currentName();
      if (!members.add(member)) {
        throw JsonValues.duplicate(p, member);
      }
      JsonToken mv = p.nextToken();
      if (member.equals(capture) && mv == JsonToken.VALUE_STRING) {
        captured = p.getText();
      }
      gen.writeFieldName(member);
      JsonValues.copyCheckingDuplicates(p, gen);
    }
    if (t != JsonToken.END_OBJECT) {
      throw new JsonParseException(p, "unexpected end of object");
    }
    gen.writeEndObject();
    gen.flush();
    return captured;
  }

  /** The EdgeWorkers log {@code time}: epoch nanoseconds (number or string), or an RFC 3339 string. */
  private static long jsTime(JsonParser p, JsonToken v) throws IOException {
    if (v == JsonToken.VALUE_NUMBER_INT || v == JsonToken.VALUE_STRING) {
      char[] c = p.getTextCharacters();
      int off = p.getTextOffset();
      int len = p.getTextLength();
      long ms = NumberText.nanosToMillis(c, off, len);
      if (ms != NumberText.INVALID || v != JsonToken.VALUE_STRING || len > 40) {
        return ms;
      }
      try {
        return java.time.Instant.parse(new String(c, off, len)).toEpochMilli();
      } catch (RuntimeException e) {
        return NumberText.INVALID;
      }
    }
    return NumberText.INVALID;
  }
}
