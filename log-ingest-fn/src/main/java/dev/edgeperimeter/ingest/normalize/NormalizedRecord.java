package dev.edgeperimeter.ingest.normalize;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.edgeperimeter.ingest.ByteSink;
import dev.edgeperimeter.ingest.RejectReason;
import dev.edgeperimeter.shared.json.JsonLimits;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The record a normalizer read last, reused from record to record: its fields as one JSON object
 * ({@link #fields()}), the event head (timestamp, request id, source, kind, stream prefix), its
 * verdict ({@link #refusal()}: null, or why its content cannot be stored) and the facts the
 * metrics count once the record is stored.
 */
public final class NormalizedRecord {
  /** A fact the record did not carry. */
  public static final long NO_NUMBER = -1;

  private final ByteSink fields = new ByteSink(4096);
  private JsonGenerator generator;

  // head
  private char[] reqId = new char[64];
  private int reqIdLength = -1; // -1: the record has no request id
  long timestamp;
  String source;
  String kind;
  String streamPrefix;
  RejectReason refusal;

  // facts for the metrics
  long status;
  long cache;
  long edgeTurnaround;
  long originTurnaround;
  String severity;
  final List<String[]> edgeWorkerErrors = new ArrayList<>();

  public NormalizedRecord() {
    resetGenerator();
  }

  /** After a parse error: a fresh generator (the old one may be inside an unfinished value) and empty fields. */
  public void resetGenerator() {
    try {
      fields.reset();
      JsonGenerator g = JsonLimits.FACTORY.createGenerator(fields);
      g.setRootValueSeparator(null);
      generator = g;
    } catch (IOException e) {
      throw new IllegalStateException("cannot create JSON generator", e);
    }
  }

  /** Starts a new record: empty fields, no head, no facts. */
  void begin() {
    fields.reset();
    reqIdLength = -1;
    timestamp = NumberText.INVALID;
    refusal = null;
    status = NO_NUMBER;
    cache = NO_NUMBER;
    edgeTurnaround = NO_NUMBER;
    originTurnaround = NO_NUMBER;
    severity = null;
    edgeWorkerErrors.clear();
  }

  JsonGenerator generator() {
    return generator;
  }

  ByteSink sink() {
    return fields;
  }

  void reqId(String value) {
    if (value == null) {
      reqIdLength = -1;
      return;
    }
    reqId(value.toCharArray(), 0, value.length());
  }

  void reqId(char[] c, int off, int len) {
    if (reqId.length < len) {
      reqId = new char[Math.max(len, reqId.length * 2)];
    }
    System.arraycopy(c, off, reqId, 0, len);
    reqIdLength = len;
  }

  boolean hasReqId() {
    return reqIdLength >= 0;
  }

  /** The record's fields as one JSON object {@code {...}}: bytes {@code [0, fieldsLength())}. */
  public byte[] fields() {
    return fields.array();
  }

  public int fieldsLength() {
    return fields.size();
  }

  /** The event time in epoch ms ({@link NumberText#INVALID} when the record has none; see {@link #refusal()}). */
  public long timestamp() {
    return timestamp;
  }

  /** Null when the record can be stored, else why not. */
  public RejectReason refusal() {
    return refusal;
  }

  public char[] reqIdChars() {
    return reqId;
  }

  /** Length of the request id in {@link #reqIdChars()}, or -1 when the record has none. */
  public int reqIdLength() {
    return reqIdLength;
  }

  /** The request id as a String (only for the rare truncated event), or null. */
  public String reqIdString() {
    return reqIdLength < 0 ? null : new String(reqId, 0, reqIdLength);
  }

  public String source() {
    return source;
  }

  public String kind() {
    return kind;
  }

  /** The log stream name up to the day, e.g. {@code ds2/12345}. */
  public String streamPrefix() {
    return streamPrefix;
  }

  public long statusCode() {
    return status;
  }

  /** 1 hit, 0 miss, else {@link #NO_NUMBER}. */
  public long cacheStatus() {
    return cache;
  }

  public long edgeTurnaroundMillis() {
    return edgeTurnaround;
  }

  public long originTurnaroundMillis() {
    return originTurnaround;
  }

  /** The record's severity, or null (CDN request records). */
  public String severity() {
    return severity;
  }

  /** EdgeWorker errors as {id, handler} pairs. */
  public List<String[]> edgeWorkerErrors() {
    return edgeWorkerErrors;
  }
}
