package dev.edgeperimeter.ingest.normalize;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.edgeperimeter.ingest.IngestLimits;
import dev.edgeperimeter.ingest.RejectReason;
import dev.edgeperimeter.ingest.stream.StreamNames;
import java.io.IOException;

/**
 * Normalizes one event of an EdgeWorker batch (contract §3): {@code ts} (epoch ms) and
 * {@code reqId} go to the event head, {@code level} is the severity, {@code ew.id} names the log
 * stream, {@code msg} must be at most {@link IngestLimits#MAX_EW_MSG_BYTES}; every other member
 * is copied as it came ({@code eid}, {@code source} and {@code kind} as {@code _eid}, {@code _source}, {@code _kind}).
 */
public final class EdgeWorkerEventNormalizer {
  private final NormalizedRecord record;

  public EdgeWorkerEventNormalizer(NormalizedRecord record) {
    this.record = record;
  }

  /** Reads the event the parser stands on (its START_OBJECT) into the {@link NormalizedRecord}. Malformed JSON throws. */
  public void normalize(JsonParser p) throws IOException {
    record.begin();
    JsonGenerator gen = record.generator();
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
            copy(gen, p, "_reqId");
          }
        }
        case "level" -> {
          level = JsonValues.scalarText(p, v);
          copy(gen, p, name);
        }
        case "msg" -> {
          if (v == JsonToken.VALUE_STRING && JsonValues.utf8Length(p) > IngestLimits.MAX_EW_MSG_BYTES) {
            msgTooLarge = true;
          }
          copy(gen, p, name);
        }
        case "ew" -> copyEw(gen, p, v, ew);
        case "eid", "source", "kind" -> copy(gen, p, "_" + name);
        default -> copy(gen, p, name);
      }
    }
    gen.writeEndObject();
    gen.flush();
    record.reqId(reqId);
    record.source = "edgeworker";
    record.kind = "ew-log";
    record.streamPrefix = StreamNames.edgeWorkerPrefix(ew[0]);
    record.severity = level == null ? "none" : level;
    if ("error".equalsIgnoreCase(level)) {
      record.edgeWorkerErrors.add(ew);
    }
    record.timestamp = ts;
    if (msgTooLarge) {
      record.refusal = RejectReason.MESSAGE_TOO_LARGE;
    } else if (ts == NumberText.INVALID) {
      record.refusal = RejectReason.NO_TIMESTAMP;
    }
  }

  private static void copy(JsonGenerator gen, JsonParser p, String name) throws IOException {
    gen.writeFieldName(name);
    gen.copyCurrentStructure(p);
  }

  /** Copies the event's {@code ew} object, capturing id and handler. */
  private static void copyEw(JsonGenerator gen, JsonParser p, JsonToken v, String[] ew) throws IOException {
    if (v != JsonToken.START_OBJECT) {
      copy(gen, p, "ew");
      return;
    }
    gen.writeFieldName("ew");
    gen.writeStartObject();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String member = p.currentName();
      JsonToken mv = p.nextToken();
      if (member.equals("id")) {
        ew[0] = JsonValues.scalarText(p, mv);
      } else if (member.equals("handler")) {
        ew[1] = JsonValues.scalarText(p, mv);
      }
      copy(gen, p, member);
    }
    gen.writeEndObject();
  }
}
