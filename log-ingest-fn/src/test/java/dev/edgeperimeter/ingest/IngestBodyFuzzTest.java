package dev.edgeperimeter.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

/**
 * Any bytes as the body of {@code POST /edge/logs} (contract §3), through the real core: body
 * decoding (gzip by magic bytes, size cap, UTF-8 only), framing (NDJSON lines, a JSON array, an
 * EdgeWorker batch) and normalizing. The documented outcomes: 200 with every record read either
 * stored or rejected by index with a reason, and the stored events valid JSON lines with their
 * head; or 400/413 with a JSON error and nothing stored. Any exception is a finding.
 */
class IngestBodyFuzzTest {
  private static final Clock CLOCK = Clock.fixed(Samples.NOW, ZoneOffset.UTC);

  @FuzzTest(maxDuration = "10m")
  void anyBody(byte[] body) {
    for (String contentType : new String[] {null, "application/x-ndjson"}) {
      InMemoryLogStore store = new InMemoryLogStore();
      LogIngestService service = new LogIngestService(256 * 1024, CLOCK, store, new InMemoryLedger(), IngestMetrics.NONE);
      IngestResponse r = service.ingest(new IngestRequest(body, contentType, null), TimeBudget.unlimited());
      Map<String, Object> json = Json.map(r.body());
      assertThat(r.status()).isIn(200, 400, 413);
      if (r.status() != 200) {
        assertThat(json).containsOnlyKeys("error");
        assertThat(store.stored).isEmpty();
        continue;
      }
      int accepted = (Integer) json.get("accepted");
      List<?> rejected = (List<?>) json.get("rejected");
      assertThat(store.stored).hasSize(accepted);
      assertThat(rejected).allSatisfy(x -> assertThat(String.valueOf(((Map<?, ?>) x).keySet())).isEqualTo("[index, reason]"));
      assertThat(rejected.stream().map(x -> ((Map<?, ?>) x).get("index")).toList()).doesNotHaveDuplicates();
      for (InMemoryLogStore.Stored e : store.stored) {
        Map<String, Object> event = Json.map(e.message());
        assertThat(event).containsKeys("ts", "eid", "source", "kind");
        assertThat(((Number) event.get("ts")).longValue()).isEqualTo(e.timestamp());
      }
    }
  }
}
