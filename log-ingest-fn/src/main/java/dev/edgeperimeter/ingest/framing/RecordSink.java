package dev.edgeperimeter.ingest.framing;

import com.fasterxml.jackson.core.JsonParser;
import dev.edgeperimeter.ingest.RejectReason;
import java.io.IOException;

/**
 * Where framing hands each record of a body. Framing finds the records and their indexes and
 * rejects those it can judge by their frame (not a JSON object, too large, unreadable line); the
 * sink normalizes and stores the rest.
 */
public interface RecordSink {

  /** Counts one record read (stored or rejected). */
  void recordRead();

  /** Normalizes the record object the parser stands on (START_OBJECT); malformed JSON throws. */
  void normalize(JsonParser p) throws IOException;

  /** Stores the record normalized last as record {@code index}, or rejects it for its content. */
  void accept(int index);

  /** Rejects record {@code index}; {@code detail} (may be null) is added to the reason's message. */
  void reject(int index, RejectReason reason, String detail);

  /** After a parse error inside {@link #normalize}: drops whatever it left half-written. */
  void recover();
}
