package dev.edgeperimeter.ingest.framing;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.edgeperimeter.ingest.IngestException;
import dev.edgeperimeter.ingest.IngestLimits;
import dev.edgeperimeter.ingest.RejectReason;
import dev.edgeperimeter.ingest.body.Utf8Json;
import java.io.IOException;
import java.util.regex.Pattern;

/**
 * The two bodies that hold their records in a JSON array: a DataStream 2 JSON array (record
 * {@code i} is element {@code i}) and an EdgeWorker batch {@code {"v":1,"source":"edgeworker",
 * "batchId":...,"events":[...]}} (record {@code i} is {@code events[i]}). The array is one JSON
 * text, so a syntax error anywhere makes the whole body unreadable (400 from the caller).
 */
public final class ArrayFraming {
  private static final Pattern BATCH_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  private ArrayFraming() {
  }

  /** Reads a DataStream 2 JSON array. */
  public static void readDataStream2Array(byte[] body, RecordSink sink) throws IOException, IngestException {
    try (JsonParser p = Utf8Json.parser(JsonBytes.FACTORY, body, 0, body.length)) {
      if (p.nextToken() != JsonToken.START_ARRAY) {
        throw IngestException.unreadable("expected a JSON array");
      }
      readRecords(p, sink, false);
      if (p.nextToken() != null) {
        throw IngestException.unreadable("data after the JSON array");
      }
    }
  }

  /** Reads an EdgeWorker batch; returns its {@code batchId}. */
  public static String readEdgeWorkerBatch(byte[] body, RecordSink sink) throws IOException, IngestException {
    Integer version = null;
    String source = null;
    String batchId = null;
    boolean sawEvents = false;
    try (JsonParser p = Utf8Json.parser(JsonBytes.FACTORY, body, 0, body.length)) {
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
              throw IngestException.unreadable("events must be an array");
            }
            sawEvents = true;
            readRecords(p, sink, true);
          }
          default -> p.skipChildren();
        }
      }
      if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
        throw IngestException.unreadable("data after the batch object");
      }
    }
    if (version == null || version != 1) {
      throw IngestException.unreadable("unsupported batch version: v must be 1");
    }
    if (!"edgeworker".equals(source)) {
      throw IngestException.unreadable("source must be \"edgeworker\"");
    }
    if (batchId == null || !BATCH_ID.matcher(batchId).matches()) {
      throw IngestException.unreadable("batchId must be 1-128 characters of [A-Za-z0-9._:-]");
    }
    if (!sawEvents) {
      throw IngestException.unreadable("events is missing");
    }
    return batchId;
  }

  /** True when the first top-level object names a batch member ({@code v}, {@code batchId}, {@code events}). */
  public static boolean looksLikeEdgeWorkerBatch(byte[] body, int first) {
    try (JsonParser p = Utf8Json.parser(JsonBytes.FACTORY, body, first, body.length - first)) {
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

  /** Reads array elements up to END_ARRAY as records. */
  private static void readRecords(JsonParser p, RecordSink sink, boolean edgeWorker) throws IOException, IngestException {
    int index = 0;
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (t == null) {
        throw new IOException("unexpected end of body inside the array");
      }
      int recordIndex = index++;
      if (edgeWorker && recordIndex >= IngestLimits.MAX_EW_EVENTS) {
        throw IngestException.tooLarge("batch holds more than " + IngestLimits.MAX_EW_EVENTS + " events");
      }
      sink.recordRead();
      long start = p.currentTokenLocation().getByteOffset();
      if (t != JsonToken.START_OBJECT) {
        p.skipChildren();
        sink.reject(recordIndex, RejectReason.NOT_AN_OBJECT, null);
        continue;
      }
      sink.normalize(p);
      long size = p.currentLocation().getByteOffset() - start;
      if (size > IngestLimits.MAX_RECORD_BYTES) {
        sink.reject(recordIndex, RejectReason.RECORD_TOO_LARGE, null);
        continue;
      }
      sink.accept(recordIndex);
    }
  }
}
