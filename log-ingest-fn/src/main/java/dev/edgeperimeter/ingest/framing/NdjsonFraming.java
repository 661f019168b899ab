package dev.edgeperimeter.ingest.framing;

import static dev.edgeperimeter.ingest.framing.JsonBytes.firstNonWhitespace;
import static dev.edgeperimeter.ingest.framing.JsonBytes.indexOf;
import static dev.edgeperimeter.ingest.framing.JsonBytes.isWhitespace;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.edgeperimeter.ingest.IngestException;
import dev.edgeperimeter.ingest.IngestLimits;
import dev.edgeperimeter.ingest.RejectReason;
import dev.edgeperimeter.ingest.body.Utf8Json;
import dev.edgeperimeter.ingest.normalize.JsonValues;
import java.io.IOException;

/**
 * DataStream 2 NDJSON: one record per non-blank line; record {@code i} is the i-th non-blank line.
 *
 * <p>Fast path: one streaming parser over the whole body (root-level values), checking that each
 * value sits alone on its line. At the first line that is not a lone JSON value (syntax error, two
 * values on a line, a duplicate key) it hands over to the line-by-line path, which parses each
 * remaining line with its own parser, so a bad line costs only itself.
 *
 * <p>One instance per body.
 */
public final class NdjsonFraming {
  private final RecordSink sink;
  private int recordsRead;
  private boolean anyObject;

  // the record parsed last by the fast path, held until we know nothing else is on its line
  private boolean pending;
  private int pendingStart;
  private int pendingLineEnd;
  private int pendingIndex;
  private RejectReason pendingReject;

  public NdjsonFraming(RecordSink sink) {
    this.sink = sink;
  }

  /** Reads every line; 400 when the body holds no record or no JSON object at all. */
  public void read(byte[] body) throws IngestException {
    int[] resume = readFast(body);
    if (resume != null) {
      readOneByOne(body, resume[0], resume[1]);
    }
    if (recordsRead == 0) {
      throw IngestException.unreadable("body holds no log records");
    }
    if (!anyObject) {
      throw IngestException.unreadable("body holds no JSON log record (neither JSON lines nor a JSON array)");
    }
  }

  /** Returns {position, index} to continue line by line from, or null when the body is done. */
  private int[] readFast(byte[] body) {
    pending = false;
    int n = body.length;
    int index = 0;
    int handledUpTo = 0;
    try (JsonParser p = Utf8Json.parser(JsonBytes.NDJSON_FACTORY, body, 0, n)) {
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
        try {
          if (t != JsonToken.START_OBJECT) {
            JsonValues.copyCheckingDuplicates(p, null);
            reject = RejectReason.NOT_AN_OBJECT;
          } else {
            sink.normalize(p);
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
        pendingReject = reject == null && end - start > IngestLimits.MAX_RECORD_BYTES ? RejectReason.RECORD_TOO_LARGE : reject;
      }
    } catch (IOException closing) {
      return null;
    }
  }

  private void finishPending() {
    pending = false;
    recordsRead++;
    sink.recordRead();
    if (pendingReject != null) {
      sink.reject(pendingIndex, pendingReject, null);
    } else {
      anyObject = true;
      sink.accept(pendingIndex);
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
  private void readOneByOne(byte[] body, int from, int index) {
    sink.recover();
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
      recordsRead++;
      sink.recordRead();
      if (e - s > IngestLimits.MAX_RECORD_BYTES) {
        sink.reject(recordIndex, RejectReason.RECORD_TOO_LARGE, null);
        continue;
      }
      try (JsonParser p = Utf8Json.parser(JsonBytes.FACTORY, body, s, e - s)) {
        JsonToken t = p.nextToken();
        if (t != JsonToken.START_OBJECT) {
          p.skipChildren();
          if (p.nextToken() != null) {
            throw new IllegalStateException("trailing");
          }
          sink.reject(recordIndex, RejectReason.NOT_AN_OBJECT, null);
          continue;
        }
        sink.normalize(p);
        if (p.nextToken() != null) {
          sink.reject(recordIndex, RejectReason.INVALID_JSON, "more than one JSON value on the line");
          continue;
        }
        anyObject = true;
        sink.accept(recordIndex);
      } catch (IOException | RuntimeException bad) {
        sink.reject(recordIndex, RejectReason.INVALID_JSON, null);
        sink.recover();
      }
    }
  }
}
