package dev.edgeperimeter.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.edgeperimeter.shared.json.JsonLimits;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Parse → normalize → batch, without any network: the CPU part of ingesting one decompressed body.
 *
 * <p>The body is read with Jackson's streaming parser one record at a time; each record's fields
 * are written straight into the normalized JSON line (no tree, no per-field map), so the work per
 * record is one tokenizing pass and one generating pass. A record that cannot be used is rejected
 * by index with a reason and the rest goes on; a body that cannot be read at all raises
 * {@link IngestException}.
 *
 * <p>Normalized event line: {@code {"ts":<epoch ms>,"reqId":"...","source":"ds2"|"edgeworker",
 * "kind":"cdn"|"ew-js-log"|"ew-log", <the record's fields>}}. Record fields keep their names;
 * DataStream 2 numeric strings become JSON numbers (same digits), URL-encoded fields are decoded,
 * {@code ewUsageInfo}/{@code ewExecutionInfo} stay raw and gain parsed {@code ewUsage}/{@code
 * ewExecution} arrays. A record field whose name collides with a normalized one is kept as
 * {@code _<name>}.
 *
 * <p>Duplicate keys: a record with two members of the same name, at any depth, is ambiguous and is
 * rejected as invalid JSON (in a JSON array body or an EdgeWorker batch, the body is unreadable).
 * The NDJSON fast path parses without Jackson's duplicate detection and checks names itself
 * (see {@link #NDJSON_FACTORY}); every other path parses with {@link JsonLimits#FACTORY}.
 *
 * <p>Not thread-safe: one instance per body (cheap to create).
 */
public final class IngestPipeline {
  private static final JsonFactory FACTORY = JsonLimits.FACTORY;
  /**
   * The NDJSON fast path's factory: {@link JsonLimits#FACTORY}'s nesting and string limits, without
   * Jackson's duplicate-key detection (a hash set per object, the largest single cost of tokenizing
   * a wide DataStream 2 record). Duplicates are still refused, by {@link #normalizeDs2} itself: a
   * per-name stamp for the record's own fields and a set per nested object (rare in DataStream 2).
   * A record with a duplicate key is therefore rejected as invalid JSON exactly as before: the fast
   * path hands over to {@link #readLinesOneByOne}, which parses with {@link #FACTORY}.
   */
  private static final JsonFactory NDJSON_FACTORY = JsonLimits.FACTORY.rebuild()
      .disable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();
  private static final Pattern BATCH_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
  private static final int NO_NUMBER = -1;

  private final Clock clock;
  private final UrlDecoding urlDecoding = new UrlDecoding();
  private long now;
  private BatchStats stats;
  private NormalizedEvents events;
  private List<Rejection> rejections;
  private ByteSink scratch;
  private JsonGenerator gen;

  // facts of the record being normalized, applied to the stats only when it is accepted
  private long fStatus;
  private long fCache;
  private long fEdgeTat;
  private long fOriginTat;
  private String fSeverity;
  private final List<String[]> fEwErrors = new ArrayList<>();

  // last stream name, reused while prefix and day stay the same
  private String lastPrefix;
  private long lastDay = Long.MIN_VALUE;
  private String lastStream;

  public IngestPipeline(Clock clock) {
    this.clock = clock;
  }

  /** Benchmark entry: detects the format from the body alone. */
  public PreparedBody parseNormalizeBatch(byte[] body) throws IngestException {
    return prepare(body, null);
  }

  /**
   * Parses, normalizes and batches a decompressed body.
   *
   * @param contentType the request's Content-Type (may be null)
   * @throws IngestException 400 when the body is unreadable as a whole, 413 past the event limit
   */
  public PreparedBody prepare(byte[] body, String contentType) throws IngestException {
    now = clock.millis();
    stats = new BatchStats();
    // normalized output of a full DataStream 2 record is ~1.3x its input (parsed ewUsage/ewExecution
    // added): sized so the usual body never regrows the buffer (peak = body + 1.5 x body)
    events = new NormalizedEvents(body.length + body.length / 2 + 1024);
    rejections = new ArrayList<>();
    scratch = new ByteSink(4096);
    gen = newGenerator();
    String mediaType = mediaType(contentType);
    String notUtf8 = Utf8Json.problem(body, 0, body.length);
    if (notUtf8 != null) {
      throw IngestException.unreadable("body is not UTF-8 JSON: " + notUtf8);
    }
    int first = firstNonWhitespace(body, 0, body.length);
    if (first < 0) {
      throw IngestException.unreadable("body is empty");
    }
    BodyFormat format;
    java.util.function.Supplier<String> identity;
    try {
      if (body[first] == '[') {
        format = BodyFormat.DATASTREAM2_ARRAY;
        readArray(body);
        identity = () -> "ds2#" + sha256(body);
      } else if (body[first] == '{' && !mediaType.equals("application/x-ndjson") && looksLikeEdgeWorkerBatch(body, first)) {
        format = BodyFormat.EDGEWORKER_BATCH;
        String batchId = readEdgeWorkerBatch(body);
        identity = () -> "ew#" + batchId;
      } else {
        format = BodyFormat.DATASTREAM2_NDJSON;
        readLines(body);
        identity = () -> "ds2#" + sha256(body);
      }
 } catch (WrappedIngestException e) {
      throw e.cause;
    } catch (JsonProcessingException e) {
      throw IngestException.unreadable("body is not valid JSON: " + safeMessage(e));
    } catch (IOException e) {
      throw IngestException.unreadable("body could not be read: " + safeMessage(e));
    }
    Collections.sort(rejections);
    stats.setAccepted(events.count());
    List<LogBatch> batches = PutLogEventsBatcher.batch(events);
    return new PreparedBody(format, identity, events, batches, List.copyOf(rejections), stats);
  }

  // ---------------------------------------------------------------- framing

  private boolean anyObject;

  /**
   * NDJSON: one record per non-blank line. Fast path: one streaming parser over the whole body
   * (root-level values), checking that each value sits alone on its line. At the first line that
   * is not a lone JSON value (syntax error, two values on a line) it hands over to
   * {@link #readLinesOneByOne}, which parses each remaining line separately, so a bad line costs
   * only itself.
   */
  private void readLines(byte[] body) throws IngestException {
    anyObject = false;
    int[] resume = readLinesFast(body);
    if (resume != null) {
      readLinesOneByOne(body, resume[0], resume[1]);
    }
    if (stats.recordsRead() == 0) {
      throw IngestException.unreadable("body holds no log records");
    }
    if (!anyObject) {
      throw IngestException.unreadable("body holds no JSON log record (neither JSON lines nor a JSON array)");
    }
  }

  // the record parsed last, held until we know nothing else is on its line
  private boolean pending;
  private int pendingStart;
  private int pendingLineEnd;
  private int pendingIndex;
  private long pendingTs;
  private RejectReason pendingReject;

  /** Returns {position, index} to continue line by line from, or null when the body is done. */
  private int[] readLinesFast(byte[] body) {
    pending = false;
    int n = body.length;
    int index = 0;
    int handledUpTo = 0;
    try (JsonParser p = Utf8Json.parser(NDJSON_FACTORY, body, 0, body.length)) {
      while (true) {
        JsonToken t;
        try {
          t = p.nextToken();
        } catch (IOException | RuntimeException e) {
          long err = errorOffset(p, e);
          if (pending && err < pendingLineEnd) {
            return new int[] {pendingStart, pendingIndex};
          }
          if (pending) {
            finishPending();
            return new int[] {pendingLineEnd + 1, pendingIndex + 1};
          }
          return new int[] {handledUpTo, index};
        }
        if (t == null) {
          if (pending) {
            finishPending();
          }
          return null;
        }
        int start = (int) p.currentTokenLocation().getByteOffset();
        if (pending) {
          if (start < pendingLineEnd) {
            return new int[] {pendingStart, pendingIndex};
          }
          finishPending();
          handledUpTo = pendingLineEnd + 1;
        }
        int recordIndex = index++;
        RejectReason reject = null;
        long ts = NumberText.INVALID;
        try {
          if (t != JsonToken.START_OBJECT) {
            copyCheckingDuplicates(p, null);
            reject = RejectReason.NOT_AN_OBJECT;
          } else {
            ts = normalizeDs2(p);
          }
        } catch (IOException | RuntimeException e) {
          return new int[] {start, recordIndex};
        }
        int end = (int) p.currentLocation().getByteOffset();
        int nl = indexOf(body, (byte) '\n', end, n);
        pending = true;
        pendingStart = start;
        pendingLineEnd = nl < 0 ? n : nl;
        pendingIndex = recordIndex;
        pendingTs = ts;
        pendingReject = reject == null && end - start > IngestLimits.MAX_RECORD_BYTES ? RejectReason.RECORD_TOO_LARGE : reject;
      }
    } catch (IOException closing) {
      return null;
    }
  }

  private void finishPending() {
    pending = false;
    stats.recordRead();
    if (pendingReject != null) {
      reject(pendingIndex, pendingReject, null);
    } else {
      anyObject = true;
      commit(pendingIndex, pendingTs);
    }
  }

  private static long errorOffset(JsonParser p, Exception e) {
    if (e instanceof JsonProcessingException j && j.getLocation() != null && j.getLocation().getByteOffset() >= 0) {
      return j.getLocation().getByteOffset();
    }
    try {
      return p.currentLocation().getByteOffset();
    } catch (RuntimeException unknown) {
      return Long.MAX_VALUE;
    }
  }

  /** Parses each line from {@code from} on with its own parser; {@code index} is the next record index. */
  private void readLinesOneByOne(byte[] body, int from, int index) {
    gen = newGenerator();
    int pos = from;
    int n = body.length;
    while (pos < n) {
      int nl = indexOf(body, (byte) '\n', pos, n);
      int end = nl < 0 ? n : nl;
      int s = firstNonWhitespace(body, pos, end);
      pos = end + 1;
      if (s < 0) {
        continue;
      }
      int e = end;
      while (e > s && isWhitespace(body[e - 1])) {
        e--;
      }
      int recordIndex = index++;
      stats.recordRead();
      if (e - s > IngestLimits.MAX_RECORD_BYTES) {
        reject(recordIndex, RejectReason.RECORD_TOO_LARGE, null);
        continue;
      }
      try (JsonParser p = Utf8Json.parser(FACTORY, body, s, e - s)) {
        JsonToken t = p.nextToken();
        if (t != JsonToken.START_OBJECT) {
          p.skipChildren();
          if (p.nextToken() != null) {
            throw new IllegalStateException("trailing");
          }
          reject(recordIndex, RejectReason.NOT_AN_OBJECT, null);
          continue;
        }
        long ts = normalizeDs2(p);
        if (p.nextToken() != null) {
          reject(recordIndex, RejectReason.INVALID_JSON, "more than one JSON value on the line");
          continue;
        }
        anyObject = true;
        commit(recordIndex, ts);
      } catch (IOException | RuntimeException bad) {
        reject(recordIndex, RejectReason.INVALID_JSON, null);
        gen = newGenerator();
      }
    }
  }

  private void readArray(byte[] body) throws IOException {
    try (JsonParser p = Utf8Json.parser(FACTORY, body, 0, body.length)) {
      if (p.nextToken() != JsonToken.START_ARRAY) {
        throw IngestException.unreadable("expected a JSON array").asIo();
      }
      readRecords(p, false);
      if (p.nextToken() != null) {
        throw IngestException.unreadable("data after the JSON array").asIo();
      }
    }
  }

  /** Reads array elements up to END_ARRAY as DataStream 2 records or EdgeWorker events. */
  private void readRecords(JsonParser p, boolean edgeWorker) throws IOException {
    int index = 0;
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (t == null) {
        throw new IOException("unexpected end of body inside the array");
      }
      int recordIndex = index++;
      if (edgeWorker && recordIndex >= IngestLimits.MAX_EW_EVENTS) {
        throw IngestException.tooLarge("batch holds more than " + IngestLimits.MAX_EW_EVENTS + " events").asIo();
      }
      stats.recordRead();
      long start = p.currentTokenLocation().getByteOffset();
      if (t != JsonToken.START_OBJECT) {
        p.skipChildren();
        reject(recordIndex, RejectReason.NOT_AN_OBJECT, null);
        continue;
      }
      long ts = edgeWorker ? normalizeEdgeWorkerEvent(p) : normalizeDs2(p);
      long size = p.currentLocation().getByteOffset() - start;
      if (size > IngestLimits.MAX_RECORD_BYTES) {
        reject(recordIndex, RejectReason.RECORD_TOO_LARGE, null);
        continue;
      }
      commit(recordIndex, ts);
    }
  }

  /** Reads the batch; returns its batchId. */
  private String readEdgeWorkerBatch(byte[] body) throws IOException {
    Integer version = null;
    String source = null;
    String batchId = null;
    boolean sawEvents = false;
    try (JsonParser p = Utf8Json.parser(FACTORY, body, 0, body.length)) {
      p.nextToken();
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken v = p.nextToken();
        switch (name) {
          case "v" -> version = v == JsonToken.VALUE_NUMBER_INT ? p.getIntValue() : -1;
          case "source" -> source = v == JsonToken.VALUE_STRING ? p.getText() : "";
          case "batchId" -> batchId = v == JsonToken.VALUE_STRING ? p.getText() : "";
          case "events" -> {
            if (v != JsonToken.START_ARRAY) {
              throw IngestException.unreadable("events must be an array").asIo();
            }
            sawEvents = true;
            readRecords(p, true);
          }
          default -> p.skipChildren();
        }
      }
      if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
        throw IngestException.unreadable("data after the batch object").asIo();
      }
    }
    if (version == null || version != 1) {
      throw IngestException.unreadable("unsupported batch version: v must be 1").asIo();
    }
    if (!"edgeworker".equals(source)) {
      throw IngestException.unreadable("source must be \"edgeworker\"").asIo();
    }
    if (batchId == null || !BATCH_ID.matcher(batchId).matches()) {
      throw IngestException.unreadable("batchId must be 1-128 characters of [A-Za-z0-9._:-]").asIo();
    }
    if (!sawEvents) {
      throw IngestException.unreadable("events is missing").asIo();
    }
    return batchId;
  }

  /** True when the first top-level object names a batch member ({@code v}, {@code batchId}, {@code events}). */
  private static boolean looksLikeEdgeWorkerBatch(byte[] body, int first) {
    try (JsonParser p = Utf8Json.parser(FACTORY, body, first, body.length - first)) {
      p.nextToken();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        if (name.equals("v") || name.equals("batchId") || name.equals("events")) {
          return true;
        }
        p.nextToken();
        p.skipChildren();
      }
      return false;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  // ---------------------------------------------------------------- records

  private void resetFacts() {
    fStatus = NO_NUMBER;
    fCache = NO_NUMBER;
    fEdgeTat = NO_NUMBER;
    fOriginTat = NO_NUMBER;
    fSeverity = null;
    fEwErrors.clear();
  }

  // per-record head values
  private char[] rReqId = new char[64];
  private int rReqIdLength = -1; // -1: the record has no request id
  private String rSource;
  private String rKind;
  private String rPrefix;

  private void setReqId(String reqId) {
    if (reqId == null) {
      rReqIdLength = -1;
      return;
    }
    setReqId(reqId.toCharArray(), 0, reqId.length());
  }

  private void setReqId(char[] c, int off, int len) {
    if (rReqId.length < len) {
      rReqId = new char[Math.max(len, rReqId.length * 2)];
    }
    System.arraycopy(c, off, rReqId, 0, len);
    rReqIdLength = len;
  }

  /** The head's request id as a String (only for the rare truncated event), or null. */
  private String reqIdString() {
    return rReqIdLength < 0 ? null : new String(rReqId, 0, rReqIdLength);
  }

  // ---------------------------------------------------------------- DataStream 2 field table

  /** What {@link #normalizeDs2} does with a field, by name (see {@link Ds2Fields}). */
  private static final int PLAIN = 0;
  private static final int URL_ENCODED = 1;
  private static final int NUMERIC = 2;
  private static final int REQ_ID = 3;
  private static final int REQ_TIME = 4;
  private static final int TIME = 5;
  private static final int STATUS = 6;
  private static final int CACHE = 7;
  private static final int EDGE_TAT = 8;
  private static final int ORIGIN_TAT = 9;
  private static final int STREAM_ID = 10;
  private static final int DS2ID = 11;
  private static final int SEVERITY = 12;
  private static final int ATTRIBUTES = 13;
  private static final int EW_USAGE = 14;
  private static final int EW_EXECUTION = 15;
  /** A record field named like a normalized one: kept as {@code _<name>}. */
  private static final int RENAMED = 16;

  /** Distinct field names remembered per body; a body with more names checks the rest with a set. */
  private static final int MAX_CACHED_FIELDS = 1024;

  private static int kindOf(String name) {
    return switch (name) {
      case "reqId" -> REQ_ID;
      case "reqTimeSec" -> REQ_TIME;
      case "time" -> TIME;
      case "statusCode" -> STATUS;
      case "cacheStatus" -> CACHE;
      case "turnAroundTimeMSec" -> EDGE_TAT;
      case Ds2Fields.ORIGIN_TURNAROUND -> ORIGIN_TAT;
      case "streamId" -> STREAM_ID;
      case "ds2id" -> DS2ID;
      case "severity" -> SEVERITY;
      case "attributes" -> ATTRIBUTES;
      case "ewUsageInfo" -> EW_USAGE;
      case "ewExecutionInfo" -> EW_EXECUTION;
      case "ts", "source", "kind", "ewUsage", "ewExecution", "ewUsageError", "ewExecutionError" -> RENAMED;
      default -> Ds2Fields.URL_ENCODED.contains(name) ? URL_ENCODED : Ds2Fields.NUMERIC.contains(name) ? NUMERIC : PLAIN;
    };
  }

  /**
   * One DataStream 2 field name, resolved once per body: its treatment, its encoded output name
   * ({@code "name":}), the record in which it was last seen (duplicate detection) and the field
   * that followed it last time. DataStream 2 sends the same fields in the same order in every
   * record and Jackson interns names, so the usual lookup is one reference comparison.
   */
  private static final class Ds2Field {
    final String name;
    final int kind;
    final byte[] encoded;
    final boolean cached;
    int seenInRecord;
    Ds2Field next;

    Ds2Field(String name, boolean cached) {
      this.name = name;
      this.kind = name == null ? PLAIN : kindOf(name);
      this.encoded = name == null ? null : encodeName(kind == RENAMED || kind == REQ_ID ? "_" + name : name);
      this.cached = cached;
    }
  }

  private final java.util.HashMap<String, Ds2Field> ds2Fields = new java.util.HashMap<>(128);
  private final Ds2Field recordStart = new Ds2Field(null, true);
  private int recordNumber;
  private java.util.HashSet<String> uncachedNames;

  private Ds2Field ds2Field(String name) {
    Ds2Field f = ds2Fields.get(name);
    if (f == null) {
      boolean cache = ds2Fields.size() < MAX_CACHED_FIELDS;
      f = new Ds2Field(name, cache);
      if (cache) {
        ds2Fields.put(name, f);
      }
    }
    return f;
  }

  /** Encoded {@code "name":}. */
  private static byte[] encodeName(String name) {
    byte[] quoted = JsonStringEncoder.getInstance().quoteAsUTF8(name);
    byte[] b = new byte[quoted.length + 3];
    b[0] = '"';
    System.arraycopy(quoted, 0, b, 1, quoted.length);
    b[b.length - 2] = '"';
    b[b.length - 1] = ':';
    return b;
  }

  private static final byte[] N_EW_USAGE = encodeName("ewUsage");
  private static final byte[] N_EW_EXECUTION = encodeName("ewExecution");
  private static final byte[] N_EW_USAGE_ERROR = encodeName("ewUsageError");
  private static final byte[] N_EW_EXECUTION_ERROR = encodeName("ewExecutionError");

  private static StreamReadException duplicate(JsonParser p, String name) {
    return new com.fasterxml.jackson.core.JsonParseException(p, "Duplicate field '" + name + "'");
  }

  /**
   * Normalizes one DataStream 2 record (parser on its START_OBJECT) into {@link #scratch}; returns
   * the timestamp in epoch ms or {@link NumberText#INVALID}.
   *
   * <p>Hot path. The record is written straight into the scratch bytes: field names from their
   * cached encoded form, plain ASCII strings and numeric strings copied char for byte, URL
   * decoding straight to escaped JSON bytes; only nested, non-ASCII and control-character values
   * go through the generator. Only the values that need it become Strings (none in a usual CDN
   * record). A duplicate key throws, as Jackson's strict duplicate detection would.
   */
  private long normalizeDs2(JsonParser p) throws IOException {
    resetFacts();
    scratch.reset();
    scratch.write('{');
    firstField = true;
    int record = ++recordNumber;
    if (uncachedNames != null) {
      uncachedNames.clear();
    }
    long reqTimeMs = NumberText.INVALID;
    long timeMs = NumberText.INVALID;
    rReqIdLength = -1;
    String requestIdAttr = null;
    String streamId = null;
    String ds2id = null;
    boolean jsLog = false;
    Ds2Field prev = recordStart;
    JsonToken t;
    while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      Ds2Field f = prev.next;
      if (f == null || f.name != name) {
        f = ds2Field(name);
        prev.next = f;
      }
      prev = f;
      if (f.cached) {
        if (f.seenInRecord == record) {
          throw duplicate(p, name);
        }
        f.seenInRecord = record;
      } else {
        if (uncachedNames == null) {
          uncachedNames = new java.util.HashSet<>();
        }
        if (!uncachedNames.add(name)) {
          throw duplicate(p, name);
        }
      }
      JsonToken v = p.nextToken();
      switch (f.kind) {
        case REQ_ID -> {
          if (v == JsonToken.VALUE_STRING || v == JsonToken.VALUE_NUMBER_INT) {
            setReqId(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
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
          jsLog = true;
          timeMs = jsTime(p, v);
          numeric(f.encoded, p, v);
        }
        case STATUS -> fStatus = numeric(f.encoded, p, v);
        case CACHE -> fCache = numeric(f.encoded, p, v);
        case EDGE_TAT -> fEdgeTat = numeric(f.encoded, p, v);
        case ORIGIN_TAT -> fOriginTat = numeric(f.encoded, p, v);
        case STREAM_ID -> {
          streamId = lastStreamIdText = scalarText(p, v, lastStreamIdText);
          field(f.encoded, p, v);
        }
        case DS2ID -> {
          jsLog = true;
          ds2id = lastDs2idText = scalarText(p, v, lastDs2idText);
          field(f.encoded, p, v);
        }
        case SEVERITY -> {
          jsLog = true;
          fSeverity = scalarText(p, v);
          field(f.encoded, p, v);
        }
        case ATTRIBUTES -> {
          name(f.encoded);
          requestIdAttr = copyCapturing(p, v, "request_id");
        }
        case EW_USAGE -> writeEwInfo(p, v, f.encoded, true);
        case EW_EXECUTION -> writeEwInfo(p, v, f.encoded, false);
        case URL_ENCODED -> urlDecoded(f.encoded, p, v);
        case NUMERIC -> numeric(f.encoded, p, v);
        default -> field(f.encoded, p, v); // PLAIN, RENAMED
      }
    }
    scratch.write('}');
    if (reqTimeMs == NumberText.INVALID) {
      jsLog = jsLog || ds2id != null;
    } else {
      jsLog = false;
    }
    if (rReqIdLength < 0 && requestIdAttr != null) {
      setReqId(requestIdAttr);
    }
    rSource = "ds2";
    if (jsLog) {
      rKind = "ew-js-log";
      rPrefix = ds2Prefix(ds2id != null ? ds2id : streamId);
      if (fSeverity == null) {
        fSeverity = "none";
      }
    } else {
      rKind = "cdn";
      rPrefix = ds2Prefix(streamId);
      fSeverity = null;
    }
    return reqTimeMs != NumberText.INVALID ? reqTimeMs : timeMs;
  }

  // the last streamId / ds2id text and the prefix made from it, reused while they stay the same
  private String lastStreamIdText;
  private String lastDs2idText;
  private boolean prefixCached;
  private String prefixId;
  private String prefixValue;

  /** {@code ds2/<segment>}; recomputed only when the id (usually the same String as last time) changes. */
  private String ds2Prefix(String id) {
    if (!prefixCached || id != prefixId) {
      prefixCached = true;
      prefixId = id;
      prefixValue = "ds2/" + streamSegment(id);
    }
    return prefixValue;
  }

  // ---------------------------------------------------------------- direct writing (DataStream 2)

  private boolean firstField;

  /** Writes {@code ,"name":} (the comma unless first) from its encoded form. */
  private void name(byte[] encoded) {
    if (!firstField) {
      scratch.write(',');
    }
    firstField = false;
    scratch.write(encoded, 0, encoded.length);
  }

  /** A field copied as it came: ASCII strings as raw input bytes, everything else through the generator. */
  private void field(byte[] name, JsonParser p, JsonToken v) throws IOException {
    name(name);
    if (v == JsonToken.VALUE_STRING
        && scratch.writeAsciiJsonString(p.getTextCharacters(), p.getTextOffset(), p.getTextLength())) {
      return;
    }
    value(p);
  }

  /**
   * Any value (scalar or structure) through the generator, as a root-level value. Nested objects
   * are checked for duplicate keys here (the NDJSON fast path parses without Jackson's check).
   */
  private void value(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
      copyCheckingDuplicates(p, gen);
    } else {
      gen.copyCurrentEvent(p);
    }
    gen.flush();
  }

  /**
   * Copies the structure the parser is on to {@code g} (or only reads past it when {@code g} is
   * null), refusing duplicate keys at every level. Recursion is bounded by the parser's nesting limit.
   */
  private static void copyCheckingDuplicates(JsonParser p, JsonGenerator g) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.START_OBJECT) {
      if (g != null) {
        g.writeStartObject();
      }
      java.util.HashSet<String> names = new java.util.HashSet<>();
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
        throw new com.fasterxml.jackson.core.JsonParseException(p, "unexpected end of object");
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
          throw new com.fasterxml.jackson.core.JsonParseException(p, "unexpected end of array");
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

  /**
   * A DataStream 2 numeric field: a numeric string as a JSON number with the same digits, anything
   * else as given. Returns a non-negative integer value for the metrics, or -1.
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
          scratch.writeAscii(c, off, len);
          return value;
        }
      }
      if (NumberText.isJsonNumber(c, off, len)) { // a number, but not a plain integer (the case above)
        name(name);
        scratch.writeAscii(c, off, len);
        return NO_NUMBER;
      }
      field(name, p, v);
      return NO_NUMBER;
    }
    if (v == JsonToken.VALUE_NUMBER_INT || v == JsonToken.VALUE_NUMBER_FLOAT) {
      char[] c = p.getTextCharacters();
      int off = p.getTextOffset();
      int len = p.getTextLength();
      name(name);
      scratch.writeAscii(c, off, len);
      long value = v == JsonToken.VALUE_NUMBER_INT ? NumberText.parseNonNegativeLong(c, off, len) : NumberText.INVALID;
      return value == NumberText.INVALID ? NO_NUMBER : value;
    }
    field(name, p, v);
    return NO_NUMBER;
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
    if (UrlDecoding.isPlain(c, off, len) ? scratch.writeAsciiJsonString(c, off, len)
        : urlDecoding.decodeToJson(c, off, len, scratch)) {
      return;
    }
    // non-ASCII or invalid UTF-8 once decoded: decode with replacement characters via the generator
    urlDecoding.decode(c, off, len);
    gen.writeString(urlDecoding.chars(), 0, urlDecoding.length());
    gen.flush();
  }

  /** Normalizes one EdgeWorker batch event (parser on its START_OBJECT). */
  private long normalizeEdgeWorkerEvent(JsonParser p) throws IOException {
    resetFacts();
    scratch.reset();
    gen.writeStartObject();
    long ts = NumberText.INVALID;
    String reqId = null;
    String level = null;
    String[] ew = new String[2];
    boolean msgTooLarge = false;
    JsonToken t;
    while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken v = p.nextToken();
      switch (name) {
        case "ts" -> {
          if (v == JsonToken.VALUE_NUMBER_INT || v == JsonToken.VALUE_STRING) {
            ts = NumberText.parseNonNegativeLong(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
          } else {
            p.skipChildren();
          }
        }
        case "reqId" -> {
          if (v == JsonToken.VALUE_STRING) {
            reqId = p.getText();
          } else {
            copy(p, "_reqId");
          }
        }
        case "level" -> {
          level = scalarText(p, v);
          copy(p, name);
        }
        case "msg" -> {
          if (v == JsonToken.VALUE_STRING && utf8Length(p) > IngestLimits.MAX_EW_MSG_BYTES) {
            msgTooLarge = true;
          }
          copy(p, name);
        }
        case "ew" -> copyEw(p, v, ew);
        case "source", "kind" -> copy(p, "_" + name);
        default -> copy(p, name);
      }
    }
    gen.writeEndObject();
    gen.flush();
    setReqId(reqId);
    rSource = "edgeworker";
    rKind = "ew-log";
    rPrefix = "edgeworker/" + streamSegment(ew[0]);
    fSeverity = level == null ? "none" : level;
    if ("error".equalsIgnoreCase(level)) {
      fEwErrors.add(ew); // a new array per event
    }
    if (msgTooLarge) {
      return TOO_LARGE_MSG;
    }
    return ts;
  }

  private static final long TOO_LARGE_MSG = Long.MIN_VALUE + 1;

  /** Appends the record in {@link #scratch} as an event, or rejects it. */
  private void commit(int recordIndex, long ts) {
    if (ts == TOO_LARGE_MSG) {
      reject(recordIndex, RejectReason.MESSAGE_TOO_LARGE, null);
      return;
    }
    if (ts == NumberText.INVALID || ts < 0 || ts > 253_402_300_799_999L) {
      reject(recordIndex, RejectReason.NO_TIMESTAMP, null);
      return;
    }
    RejectReason age = PutLogEventsBatcher.checkAge(ts, now);
    if (age != null) {
      reject(recordIndex, age, null);
      return;
    }
    ByteSink out = events.sink();
    int offset = out.size();
    writeHead(out, ts);
    byte[] inner = scratch.array();
    int innerLen = scratch.size();
    // inner is "{...}"; the head already opened the object
    if (innerLen > 2) {
      out.write(',');
      out.write(inner, 1, innerLen - 1);
    } else {
      out.write('}');
    }
    int length = out.size() - offset;
    if (length > IngestLimits.MAX_EVENT_BYTES) {
      length = EventTruncation.truncate(out, offset, length, ts, reqIdString(), rSource, rKind);
    }
    events.add(ts, offset, length, recordIndex, streamName(rPrefix, ts));
    applyFacts();
  }

  private void applyFacts() {
    if (fStatus != NO_NUMBER) {
      stats.statusCode(fStatus);
    }
    if (fCache == 0 || fCache == 1) {
      stats.cacheStatus(fCache == 1);
    }
    if (fEdgeTat != NO_NUMBER) {
      stats.edgeTurnaround(fEdgeTat);
    }
    if (fOriginTat != NO_NUMBER) {
      stats.originTurnaround(fOriginTat);
    }
    if (fSeverity != null) {
      stats.severity(fSeverity);
    }
    for (String[] error : fEwErrors) {
      stats.edgeWorkerError(error[0], error[1]);
    }
  }

  private void writeHead(ByteSink out, long ts) {
    out.writeAscii("{\"ts\":");
    out.writeLong(ts);
    if (rReqIdLength >= 0) {
      out.writeAscii(",\"reqId\":\"");
      if (!out.writeAsciiJsonChars(rReqId, 0, rReqIdLength)) {
        writeEscaped(out, reqIdString());
      }
      out.write('"');
    }
    out.writeAscii(",\"source\":\"");
    out.writeAscii(rSource);
    out.writeAscii("\",\"kind\":\"");
    out.writeAscii(rKind);
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

  private void reject(int recordIndex, RejectReason reason, String detail) {
    stats.reject(reason);
    rejections.add(new Rejection(recordIndex, detail == null ? reason.message() : reason.message() + ": " + detail));
  }

  // ---------------------------------------------------------------- field helpers (EdgeWorker events)

  private void copy(JsonParser p, String name) throws IOException {
    gen.writeFieldName(name);
    gen.copyCurrentStructure(p);
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

  private static String scalarText(JsonParser p, JsonToken v) throws IOException {
    return v == JsonToken.VALUE_STRING || v == JsonToken.VALUE_NUMBER_INT ? p.getText() : null;
  }

  /** {@link #scalarText}, returning {@code last} itself when the text is the same (no allocation). */
  private static String scalarText(JsonParser p, JsonToken v, String last) throws IOException {
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

  /**
   * Writes an object value member by member through the generator (as a root-level value),
   * returning the string value of member {@code capture}. Duplicate keys are refused at every level.
   */
  private String copyCapturing(JsonParser p, JsonToken v, String capture) throws IOException {
    if (v != JsonToken.START_OBJECT) {
      value(p);
      return null;
    }
    String captured = null;
    gen.writeStartObject();
    java.util.HashSet<String> members = new java.util.HashSet<>();
    JsonToken t;
    while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
      String member = p.currentName();
      if (!members.add(member)) {
        throw duplicate(p, member);
      }
      JsonToken mv = p.nextToken();
      if (member.equals(capture) && mv == JsonToken.VALUE_STRING) {
        captured = p.getText();
      }
      gen.writeFieldName(member);
      copyCheckingDuplicates(p, gen);
    }
    if (t != JsonToken.END_OBJECT) {
      throw new com.fasterxml.jackson.core.JsonParseException(p, "unexpected end of object");
    }
    gen.writeEndObject();
    gen.flush();
    return captured;
  }

  /** Copies the EdgeWorker event's {@code ew} object, capturing id and handler. */
  private void copyEw(JsonParser p, JsonToken v, String[] ew) throws IOException {
    if (v != JsonToken.START_OBJECT) {
      copy(p, "ew");
      return;
    }
    gen.writeFieldName("ew");
    gen.writeStartObject();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String member = p.currentName();
      JsonToken mv = p.nextToken();
      if (member.equals("id")) {
        ew[0] = scalarText(p, mv);
      } else if (member.equals("handler")) {
        ew[1] = scalarText(p, mv);
      }
      copy(p, member);
    }
    gen.writeEndObject();
  }

  private void writeEwInfo(JsonParser p, JsonToken v, byte[] name, boolean usage) throws IOException {
    if (v != JsonToken.VALUE_STRING) {
      field(name, p, v);
      return;
    }
    char[] c = p.getTextCharacters();
    int off = p.getTextOffset();
    int len = p.getTextLength();
    name(name);
    if (!scratch.writeAsciiJsonString(c, off, len)) {
      gen.writeString(c, off, len);
      gen.flush();
    }
    String problem = EwInfoParser.validate(c, off, len);
    if (problem == null) {
      name(usage ? N_EW_USAGE : N_EW_EXECUTION);
      EwInfoParser.write(scratch, c, off, len, usage, fEwErrors);
    } else {
      name(usage ? N_EW_USAGE_ERROR : N_EW_EXECUTION_ERROR);
      scratch.write('"');
      scratch.writeAscii(problem);
      scratch.write('"');
    }
  }


  private static int utf8Length(JsonParser p) throws IOException {
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

  // ---------------------------------------------------------------- streams

  /** A log stream name segment: the id's safe characters, at most 64, or {@code unknown}. */
  static String streamSegment(String id) {
    if (id == null || id.isEmpty()) {
      return "unknown";
    }
    int n = Math.min(id.length(), 64);
    StringBuilder sb = null;
    for (int i = 0; i < n; i++) {
      char c = id.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
      if (!ok && sb == null) {
        sb = new StringBuilder(id.substring(0, i));
      }
      if (sb != null) {
        sb.append(ok ? c : '_');
      }
    }
    return sb != null ? sb.toString() : n == id.length() ? id : id.substring(0, n);
  }

  private String streamName(String prefix, long ts) {
    long day = Math.floorDiv(ts, 86_400_000L);
    if (day == lastDay && prefix.equals(lastPrefix)) {
      return lastStream;
    }
    lastDay = day;
    lastPrefix = prefix;
    lastStream = prefix + "/" + LocalDate.ofEpochDay(day);
    return lastStream;
  }

  // ---------------------------------------------------------------- bytes

  private JsonGenerator newGenerator() {
    try {
      scratch.reset();
      JsonGenerator g = FACTORY.createGenerator(scratch);
      g.setRootValueSeparator(null);
      return g;
    } catch (IOException e) {
      throw new IllegalStateException("cannot create JSON generator", e);
    }
  }

  static String mediaType(String contentType) {
    if (contentType == null) {
      return "";
    }
    int semi = contentType.indexOf(';');
    return (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
  }

  private static boolean isWhitespace(byte b) {
    return b == ' ' || b == '\t' || b == '\r' || b == '\n';
  }

  private static int firstNonWhitespace(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (!isWhitespace(b[i])) {
        return i;
      }
    }
    return -1;
  }

  private static int indexOf(byte[] b, byte target, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] == target) {
        return i;
      }
    }
    return -1;
  }

  static String sha256(byte[] body) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing from the JDK", e);
    }
  }

  /** Jackson's message without the source excerpt (which would echo the body). */
  private static String safeMessage(Exception e) {
    if (e instanceof JsonProcessingException j) {
      String m = j.getOriginalMessage();
      if (m == null) {
        return "syntax error";
      }
      m = m.length() > 160 ? m.substring(0, 160) : m;
      return m.replaceAll("[^\\x20-\\x7e]", "?");
    }
    if (e instanceof WrappedIngestException w) {
      return w.getMessage();
    }
    return "read error";
  }

  /** Carries an {@link IngestException} through Jackson's IOException-typed code paths. */
  static final class WrappedIngestException extends IOException {
    final IngestException cause;

    WrappedIngestException(IngestException cause) {
      super(cause.getMessage(), cause);
      this.cause = cause;
    }
  }
}
