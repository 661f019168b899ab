package dev.edgeperimeter.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.edgeperimeter.ingest.body.Utf8Json;
import dev.edgeperimeter.ingest.normalize.Ds2Normalizer;
import dev.edgeperimeter.ingest.normalize.EdgeWorkerEventNormalizer;
import dev.edgeperimeter.ingest.normalize.NormalizedRecord;
import dev.edgeperimeter.ingest.stream.StreamNames;
import dev.edgeperimeter.ingest.write.EventWriter;
import dev.edgeperimeter.shared.json.JsonLimits;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/**
 * One record through its normalizer and the event writer: a DataStream 2 record (CDN or
 * EdgeWorkers JavaScript log) and an EdgeWorker batch event. The documented outcomes: a parse
 * error ({@link IOException}: malformed JSON, a duplicate key, a limit) for the framing to reject,
 * or a normalized record whose fields are one JSON object and whose verdict is a documented
 * reason; when it is stored, the event line is valid JSON with its timestamp, id, source and kind.
 * Any other exception is a finding.
 */
class RecordNormalizerFuzzTest {
  private static final long NOW = Samples.NOW.toEpochMilli();

  @FuzzTest(maxDuration = "10m")
  void dataStream2Record(byte[] input) {
    NormalizedRecord record = new NormalizedRecord();
    Ds2Normalizer normalizer = new Ds2Normalizer(record, new StreamNames());
    check(input, record, p -> normalizer.normalize(p), Set.of(RejectReason.NO_TIMESTAMP), Set.of("cdn", "ew-js-log"));
  }

  @FuzzTest(maxDuration = "10m")
  void edgeWorkerEvent(byte[] input) {
    NormalizedRecord record = new NormalizedRecord();
    EdgeWorkerEventNormalizer normalizer = new EdgeWorkerEventNormalizer(record);
    check(input, record, p -> normalizer.normalize(p), Set.of(RejectReason.NO_TIMESTAMP, RejectReason.MESSAGE_TOO_LARGE),
        Set.of("ew-log"));
  }

  private interface Normalize {
    void on(JsonParser p) throws IOException;
  }

  private static void check(byte[] input, NormalizedRecord record, Normalize normalize, Set<RejectReason> refusals,
      Set<String> kinds) {
    try (JsonParser p = Utf8Json.parser(JsonLimits.FACTORY, input, 0, input.length)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return; // not a record: the framing rejects it before any normalizer sees it
      }
      normalize.on(p);
    } catch (IOException unreadable) {
      return; // the documented parse failure: the framing rejects the record (or the body)
    }
    byte[] fields = Arrays.copyOf(record.fields(), record.fieldsLength());
    assertThat(Json.map(new String(fields, StandardCharsets.UTF_8))).isNotNull();
    assertThat(record.kind()).isIn(kinds);
    assertThat(record.streamPrefix()).matches("(ds2|edgeworker)/[A-Za-z0-9._-]{1,64}");
    if (record.refusal() != null) {
      assertThat(record.refusal()).isIn(refusals);
      return;
    }
    NormalizedEvents events = new NormalizedEvents(1024);
    RejectReason refused = new EventWriter(events, new StreamNames(), NOW).write(0, record);
    if (refused != null) {
      assertThat(refused).isIn(RejectReason.NO_TIMESTAMP, RejectReason.TOO_OLD, RejectReason.TOO_NEW);
      assertThat(events.count()).isZero();
      return;
    }
    assertThat(events.count()).isEqualTo(1);
    assertThat(events.byteLength(0)).isLessThanOrEqualTo(IngestLimits.MAX_EVENT_BYTES);
    Map<String, Object> event = Json.map(events.message(0));
    assertThat(((Number) event.get("ts")).longValue()).isEqualTo(record.timestamp());
    assertThat(event).containsKeys("eid", "source", "kind").containsEntry("kind", record.kind());
  }
}
