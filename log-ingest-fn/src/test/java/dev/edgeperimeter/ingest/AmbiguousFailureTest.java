package dev.edgeperimeter.ingest;

import static dev.edgeperimeter.testsupport.proxy.ProxiedRequest.operation;
import static org.assertj.core.api.Assertions.assertThat;

import dev.edgeperimeter.ingest.write.EventIds;
import dev.edgeperimeter.testsupport.MotoExtension;
import dev.edgeperimeter.testsupport.MotoServer;
import dev.edgeperimeter.testsupport.proxy.ProxiedRequest;
import dev.edgeperimeter.testsupport.proxy.SerializingProxy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilteredLogEvent;

/**
 * Exactly-once when the function does not learn whether CloudWatch Logs stored a chunk: every AWS
 * call goes through a loopback proxy in front of moto (one request at a time, as the real services
 * apply conditional writes) that injects the faults; afterwards the events are read back from moto
 * and counted. Each case ends with 0 lost and 0 doubled.
 */
@ExtendWith(MotoExtension.class)
class AmbiguousFailureTest {
  private static final int RECORDS = 30;
  private final MotoServer server;

  AmbiguousFailureTest(MotoServer server) {
    this.server = server;
  }

  /** 30 DataStream 2 records in three streams: three PutLogEvents chunks. */
  private static IngestRequest body() {
    long sec = Instant.now().getEpochSecond() - 60;
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < RECORDS; i++) {
      sb.append("{\"reqTimeSec\":\"").append(sec).append("\",\"reqId\":\"r").append(i)
          .append("\",\"streamId\":\"s").append(i % 3).append("\"}\n");
    }
    return new IngestRequest(Samples.utf8(sb.toString()), "application/x-ndjson", null);
  }

  /** Delivers like DataStream 2: again and again while the answer is 503, at most {@code attempts} times. */
  private static IngestResponse deliverUntilStored(Supplier<LogIngestService> container, IngestRequest request,
      int attempts) throws InterruptedException {
    IngestResponse last = null;
    for (int i = 0; i < attempts; i++) {
      last = container.get().ingest(request, TimeBudget.unlimited());
      if (last.status() != 503) {
        return last;
      }
      Thread.sleep(20);
    }
    return last;
  }

  /** Every record read back exactly once: nothing lost, nothing doubled, and no event without its id. */
  private static void assertExactlyOnce(MotoFixture fx) {
    List<FilteredLogEvent> stored = fx.storedEvents();
    List<Object> reqIds = stored.stream().map(e -> Json.map(e.message()).get("reqId")).toList();
    List<String> lost = new ArrayList<>();
    for (int i = 0; i < RECORDS; i++) {
      if (!reqIds.contains("r" + i)) {
        lost.add("r" + i);
      }
    }
    assertThat(lost).as("lost records").isEmpty();
    assertThat(reqIds).as("doubled records").doesNotHaveDuplicates().hasSize(RECORDS);
    assertThat(stored).extracting(e -> EventIds.idOf(e.message())).doesNotContainNull().doesNotHaveDuplicates();
  }

  @Test
  @DisplayName("a PutLogEvents is stored but its response is lost: the retry finds the events and does not resend them")
  void lostPutLogEventsResponse() throws Exception {
    MotoFixture fx = new MotoFixture(server);
    try (SerializingProxy proxy = SerializingProxy.inFrontOf(server)) {
      var dropped = proxy.on(operation("PutLogEvents")).nth(2).dropResponse();
      IngestResponse r = fx.serviceVia(proxy).ingest(body(), TimeBudget.unlimited());
      assertExactlyOnce(fx);
      assertThat(r.status()).isEqualTo(200);
      assertThat(Json.map(r.body())).containsEntry("accepted", RECORDS).containsEntry("rejected", List.of());
      assertThat(dropped.fired()).isEqualTo(1);
      assertThat(proxy.requests(operation("FilterLogEvents"))).as("looked before resending").isNotEmpty();
    }
  }

  @Test
  @DisplayName("the response is lost and the lookup fails too: 503; the redelivery looks for the pending chunk first")
  void lostResponseThenRedelivery() throws Exception {
    MotoFixture fx = new MotoFixture(server);
    IngestRequest request = body();
    try (SerializingProxy proxy = SerializingProxy.inFrontOf(server)) {
      proxy.on(operation("PutLogEvents")).nth(1).dropResponse();
      proxy.on(operation("FilterLogEvents")).throttle();
      IngestResponse first = fx.serviceVia(proxy).ingest(request, TimeBudget.unlimited());
      // the first chunk is stored (unknown to the function) and not sent again blindly
      assertThat(fx.storedEvents()).extracting(e -> Json.map(e.message()).get("reqId")).doesNotHaveDuplicates()
          .hasSize(RECORDS / 3);
      assertThat(first.status()).isEqualTo(503);

      proxy.clearFaults();
      IngestResponse retry = fx.serviceVia(proxy).ingest(request, TimeBudget.unlimited());
      assertThat(retry.status()).isEqualTo(200);
      assertThat(Json.map(retry.body())).containsEntry("accepted", RECORDS).containsEntry("rejected", List.of());
    }
    assertExactlyOnce(fx);
  }

  @Test
  @DisplayName("throttling, lost responses and reset connections on every AWS call at once: retried until stored once")
  void faultsOnEveryCall() throws Exception {
    MotoFixture fx = new MotoFixture(server);
    Random random = new Random(16);
    try (SerializingProxy proxy = SerializingProxy.inFrontOf(server)) {
      // one draw per request decides its fate: 20% response lost, 20% throttled, 10% connection reset
      double[] draw = new double[1];
      Predicate<ProxiedRequest> roll = r -> {
        synchronized (draw) {
          draw[0] = random.nextDouble();
          return false;
        }
      };
      proxy.on(roll).dropResponse();
      proxy.on(r -> draw[0] < 0.2).dropResponse();
      proxy.on(r -> draw[0] >= 0.2 && draw[0] < 0.4).throttle();
      proxy.on(r -> draw[0] >= 0.4 && draw[0] < 0.5).resetConnection();
      IngestResponse r = deliverUntilStored(() -> fx.serviceVia(proxy), body(), 60);
      assertThat(r.status()).isEqualTo(200);
      assertThat(Json.map(r.body())).containsEntry("accepted", RECORDS).containsEntry("rejected", List.of());
      for (String op : List.of("PutLogEvents", "CreateLogStream", "GetItem", "UpdateItem")) {
        assertThat(proxy.requests(operation(op))).as(op + " calls").isNotEmpty();
      }
    }
    assertExactlyOnce(fx);
  }

  @Test
  @DisplayName("8 concurrent deliveries of one body while PutLogEvents responses get lost: stored once")
  void concurrentDeliveries() throws Exception {
    MotoFixture fx = new MotoFixture(server);
    IngestRequest request = body();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try (SerializingProxy proxy = SerializingProxy.inFrontOf(server)) {
      proxy.on(operation("PutLogEvents")).nth(1).dropResponse();
      proxy.on(operation("PutLogEvents")).nth(3).dropResponse();
      List<Callable<IngestResponse>> deliveries = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        deliveries.add(() -> deliverUntilStored(() -> fx.serviceVia(proxy), request, 200));
      }
      for (Future<IngestResponse> f : pool.invokeAll(deliveries)) {
        IngestResponse r = f.get();
        assertThat(r.status()).isEqualTo(200);
        assertThat(Json.map(r.body())).containsEntry("accepted", RECORDS).containsEntry("rejected", List.of());
      }
      assertThat(proxy.maxConcurrentRequests()).isGreaterThan(1);
    } finally {
      pool.shutdownNow();
    }
    assertExactlyOnce(fx);
  }
}
