package dev.edgeperimeter.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgeperimeter.testsupport.MotoExtension;
import dev.edgeperimeter.testsupport.MotoServer;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Contract §3: a retried or duplicated body is stored once; a partial failure resumes. */
@ExtendWith(MotoExtension.class)
class ExactlyOnceDeliveryTest {
  private final MotoServer server;

  ExactlyOnceDeliveryTest(MotoServer server) {
    this.server = server;
  }

  @Test
  @DisplayName("DataStream 2 delivers the same post twice: stored once, same answer twice")
  void duplicateDataStream2Post() {
    MotoFixture fx = new MotoFixture(server);
    byte[] body = Samples.ndjson(20, Instant.now().getEpochSecond() - 60);
    LogIngestService service = fx.service();
    IngestResponse first = service.ingest(new IngestRequest(body, "application/json", null), TimeBudget.unlimited());
    IngestResponse second = service.ingest(new IngestRequest(body, "application/json", null), TimeBudget.unlimited());
    assertThat(first.status()).isEqualTo(200);
    assertThat(second).isEqualTo(first);
    assertThat(fx.storedEvents()).hasSize(20);
  }

  @Test
  @DisplayName("an EdgeWorker batch retried with the same batchId is stored once")
  void duplicateEdgeWorkerBatch() {
    MotoFixture fx = new MotoFixture(server);
    long ts = Instant.now().toEpochMilli() - 5_000;
    LogIngestService service = fx.service();
    byte[] batch = Samples.edgeWorkerBatch("dup-" + ts, 5, ts);
    assertThat(service.ingest(new IngestRequest(batch, null, null), TimeBudget.unlimited()).status()).isEqualTo(200);
    // a second cold container (fresh service, same ledger) sees the same batch again
    assertThat(fx.service().ingest(new IngestRequest(batch, null, null), TimeBudget.unlimited()).status()).isEqualTo(200);
    assertThat(fx.storedEvents()).hasSize(5);
  }

  @Test
  @DisplayName("storage fails after the first batches: 503; the retry stores only what was not stored")
  void partialFailureResumes() {
    MotoFixture fx = new MotoFixture(server);
    long nowSec = Instant.now().getEpochSecond() - 60;
    // three DataStream 2 streams → three PutLogEvents batches
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 30; i++) {
      sb.append("{\"reqTimeSec\":\"").append(nowSec).append("\",\"reqId\":\"r").append(i)
          .append("\",\"streamId\":\"s").append(i % 3).append("\"}\n");
    }
    byte[] body = Samples.utf8(sb.toString());
    LogStore real = fx.store(server.endpoint());
    AtomicInteger calls = new AtomicInteger();
    LogStore failsOnSecond = (batch, events, budget) -> {
      if (calls.incrementAndGet() == 2) {
        throw new StoreUnavailableException("injected: CloudWatch Logs unavailable", null);
      }
      return real.put(batch, events, budget);
    };
    IngestResponse first = fx.service(failsOnSecond, IngestMetrics.NONE)
        .ingest(new IngestRequest(body, null, null), TimeBudget.unlimited());
    assertThat(first.status()).isEqualTo(503);
    assertThat(fx.storedEvents()).hasSize(10);

    AtomicInteger retryCalls = new AtomicInteger();
    LogStore counting = (batch, events, budget) -> {
      retryCalls.incrementAndGet();
      return real.put(batch, events, budget);
    };
    IngestResponse retry = fx.service(counting, IngestMetrics.NONE).ingest(new IngestRequest(body, null, null), TimeBudget.unlimited());
    assertThat(retry.status()).isEqualTo(200);
    assertThat(Json.map(retry.body())).containsEntry("accepted", 30).containsEntry("rejected", List.of());
    assertThat(retryCalls.get()).isEqualTo(2);
    assertThat(fx.storedEvents()).hasSize(30)
        .extracting(e -> Json.map(e.message()).get("reqId")).doesNotHaveDuplicates();
  }

  @Test
  @DisplayName("a concurrent delivery of the same body gets 503 while the first holds the lease; after it, 200")
  void concurrentDeliveryLeased() throws Exception {
    MotoFixture fx = new MotoFixture(server);
    byte[] body = Samples.ndjson(5, Instant.now().getEpochSecond() - 60);
    String identity = "ds2#" + IngestPipeline.sha256(body);
    IngestLedger ledger = fx.ledger();
    assertThat(ledger.acquire(identity, "first-invocation", Instant.now().toEpochMilli() + 60_000,
        TimeBudget.unlimited())).isNotNull();
    IngestResponse concurrent = fx.service().ingest(new IngestRequest(body, null, null), TimeBudget.unlimited());
    assertThat(concurrent.status()).isEqualTo(503);
    assertThat(fx.storedEvents()).isEmpty();
    ledger.release(identity, "first-invocation", TimeBudget.unlimited());
    assertThat(fx.service().ingest(new IngestRequest(body, null, null), TimeBudget.unlimited()).status()).isEqualTo(200);
    assertThat(fx.storedEvents()).hasSize(5);
  }

  @Test
  @DisplayName("an expired lease (crashed invocation) does not block the retry")
  void expiredLeaseTakenOver() throws Exception {
    MotoFixture fx = new MotoFixture(server);
    byte[] body = Samples.ndjson(3, Instant.now().getEpochSecond() - 60);
    String identity = "ds2#" + IngestPipeline.sha256(body);
    assertThat(fx.ledger().acquire(identity, "crashed", Instant.now().toEpochMilli() - 1, TimeBudget.unlimited())).isNotNull();
    assertThat(fx.service().ingest(new IngestRequest(body, null, null), TimeBudget.unlimited()).status()).isEqualTo(200);
    assertThat(fx.storedEvents()).hasSize(3);
  }
}
