package dev.edgeperimeter.ingest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.edgeperimeter.ingest.body.Utf8Json;
import dev.edgeperimeter.ingest.framing.ArrayFraming;
import dev.edgeperimeter.ingest.framing.NdjsonFraming;
import dev.edgeperimeter.ingest.framing.RecordSink;
import dev.edgeperimeter.ingest.normalize.Ds2Normalizer;
import dev.edgeperimeter.ingest.normalize.EdgeWorkerEventNormalizer;
import dev.edgeperimeter.ingest.normalize.NormalizedRecord;
import dev.edgeperimeter.ingest.stream.StreamNames;
import dev.edgeperimeter.ingest.write.EventWriter;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Parse → normalize → batch, without any network: the CPU part of ingesting one decompressed body.
 * It only wires the parts, each in its own package:
 * <ul>
 *   <li>{@code body}: base64 ({@code RawBody}), gzip and size caps ({@code BodyDecoder}), UTF-8 only ({@link Utf8Json});
 *   <li>{@code framing}: where the records are: NDJSON lines, a JSON array, an EdgeWorker batch;
 *   <li>{@code normalize}: one record into its normalized fields and head: DataStream 2 CDN and
 *       JavaScript log records ({@link Ds2Normalizer}), EdgeWorker batch events
 *       ({@link EdgeWorkerEventNormalizer});
 *   <li>{@code write}: the event line, appended to {@link NormalizedEvents} ({@link EventWriter});
 *   <li>{@code stream}: log stream names ({@link StreamNames});
 * </ul>
 * then cuts the events into PutLogEvents batches ({@link PutLogEventsBatcher}).
 *
 * <p>A record that cannot be used is rejected by index with a reason (a value: {@link Rejection})
 * and the rest goes on; a body that cannot be read at all raises {@link IngestException}.
 *
 * <p>Normalized event line: {@code {"ts":<epoch ms>,"reqId":"...","source":"ds2"|"edgeworker",
 * "kind":"cdn"|"ew-js-log"|"ew-log", <the record's fields>}}. Record fields keep their names;
 * DataStream 2 numeric strings become JSON numbers (same digits), URL-encoded fields are decoded,
 * {@code ewUsageInfo}/{@code ewExecutionInfo} stay raw and gain parsed {@code ewUsage}/{@code
 * ewExecution} arrays. A record field whose name collides with a normalized one is kept as
 * {@code _<name>}. A record with two members of the same name, at any depth, is ambiguous and is
 * rejected as invalid JSON (in a JSON array body or an EdgeWorker batch, the body is unreadable).
 *
 * <p>Not thread-safe: one instance per body (cheap to create).
 */
public final class IngestPipeline {
  private final Clock clock;

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
    String notUtf8 = Utf8Json.problem(body, 0, body.length);
    if (notUtf8 != null) {
      throw IngestException.unreadable("body is not UTF-8 JSON: " + notUtf8);
    }
    int first = firstNonWhitespace(body);
    if (first < 0) {
      throw IngestException.unreadable("body is empty");
    }
    Records records = new Records(body.length, clock.millis());
    BodyFormat format;
    Supplier<String> identity;
    try {
      if (body[first] == '[') {
        format = BodyFormat.DATASTREAM2_ARRAY;
        ArrayFraming.readDataStream2Array(body, records);
        identity = () -> "ds2#" + sha256(body);
      } else if (body[first] == '{' && !mediaType(contentType).equals("application/x-ndjson")
          && ArrayFraming.looksLikeEdgeWorkerBatch(body, first)) {
        format = BodyFormat.EDGEWORKER_BATCH;
        records.edgeWorker = true;
        String batchId = ArrayFraming.readEdgeWorkerBatch(body, records);
        identity = () -> "ew#" + batchId;
      } else {
        format = BodyFormat.DATASTREAM2_NDJSON;
        new NdjsonFraming(records).read(body);
        identity = () -> "ds2#" + sha256(body);
      }
    } catch (JsonProcessingException e) {
      throw IngestException.unreadable("body is not valid JSON: " + safeMessage(e));
    } catch (IOException e) {
      throw IngestException.unreadable("body could not be read: read error");
    }
    Collections.sort(records.rejections);
    records.stats.setAccepted(records.events.count());
    List<LogBatch> batches = PutLogEventsBatcher.batch(records.events);
    return new PreparedBody(format, identity, records.events, batches, List.copyOf(records.rejections), records.stats);
  }

  /** The framing's {@link RecordSink}: normalizes each record, writes it as an event, collects rejections and stats. */
  private static final class Records implements RecordSink {
    final BatchStats stats = new BatchStats();
    final NormalizedEvents events;
    final List<Rejection> rejections = new ArrayList<>();
    final NormalizedRecord record = new NormalizedRecord();
    final StreamNames streams = new StreamNames();
    final Ds2Normalizer dataStream2 = new Ds2Normalizer(record, streams);
    final EdgeWorkerEventNormalizer edgeWorkerEvents = new EdgeWorkerEventNormalizer(record);
    final EventWriter writer;
    boolean edgeWorker;

    Records(int bodyBytes, long nowMillis) {
      // normalized output of a full DataStream 2 record is ~1.3x its input (parsed ewUsage/ewExecution
      // added): sized so the usual body never regrows the buffer (peak = body + 1.5 x body)
      events = new NormalizedEvents(bodyBytes + bodyBytes / 2 + 1024);
      writer = new EventWriter(events, streams, nowMillis);
    }

    @Override
    public void recordRead() {
      stats.recordRead();
    }

    @Override
    public void normalize(JsonParser p) throws IOException {
      if (edgeWorker) {
        edgeWorkerEvents.normalize(p);
      } else {
        dataStream2.normalize(p);
      }
    }

    @Override
    public void accept(int index) {
      RejectReason refused = writer.write(index, record);
      if (refused != null) {
        reject(index, refused, null);
        return;
      }
      countFacts();
    }

    @Override
    public void reject(int index, RejectReason reason, String detail) {
      stats.reject(reason);
      rejections.add(new Rejection(index, detail == null ? reason.message() : reason.message() + ": " + detail));
    }

    @Override
    public void recover() {
      record.resetGenerator();
    }

    /** The stored record's facts into the body's metrics. */
    private void countFacts() {
      if (record.statusCode() != NormalizedRecord.NO_NUMBER) {
        stats.statusCode(record.statusCode());
      }
      if (record.cacheStatus() == 0 || record.cacheStatus() == 1) {
        stats.cacheStatus(record.cacheStatus() == 1);
      }
      if (record.edgeTurnaroundMillis() != NormalizedRecord.NO_NUMBER) {
        stats.edgeTurnaround(record.edgeTurnaroundMillis());
      }
      if (record.originTurnaroundMillis() != NormalizedRecord.NO_NUMBER) {
        stats.originTurnaround(record.originTurnaroundMillis());
      }
      if (record.severity() != null) {
        stats.severity(record.severity());
      }
      for (String[] error : record.edgeWorkerErrors()) {
        stats.edgeWorkerError(error[0], error[1]);
      }
    }
  }

  static String mediaType(String contentType) {
    if (contentType == null) {
      return "";
    }
    int semi = contentType.indexOf(';');
    return (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
  }

  private static int firstNonWhitespace(byte[] b) {
    for (int i = 0; i < b.length; i++) {
      if (b[i] != ' ' && b[i] != '\t' && b[i] != '\r' && b[i] != '\n') {
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
  private static String safeMessage(JsonProcessingException e) {
    String m = e.getOriginalMessage();
    if (m == null) {
      return "syntax error";
    }
    m = m.length() > 160 ? m.substring(0, 160) : m;
    return m.replaceAll("[^\\x20-\\x7e]", "?");
  }
}
