package dev.edgeperimeter.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgeperimeter.shared.aws.AwsClients;
import dev.edgeperimeter.testsupport.MotoExtension;
import dev.edgeperimeter.testsupport.MotoServer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The ingest ledger's DynamoDB calls are bounded by the invocation's remaining time, like the
 * CloudWatch Logs calls: each call's API call timeout is at most the time left, and no call is
 * started with too little left (503 instead of a Lambda timeout).
 */
@ExtendWith(MotoExtension.class)
class LedgerCallTimeoutTest {
  private final MotoServer server;

  LedgerCallTimeoutTest(MotoServer server) {
    this.server = server;
  }

  /** A call seen by the DynamoDB client: operation name and its per-request API call timeout. */
  private record Call(String operation, Optional<Duration> timeout) {
  }

  private static IngestRequest body() {
    return new IngestRequest(Samples.ndjson(10, Instant.now().getEpochSecond() - 30), "application/json", null);
  }

  /** The ledger on moto through a DynamoDB client that records every call it starts. */
  private IngestLedger recordingLedger(MotoFixture fx, List<Call> calls) {
    AwsClients clients = server.clients();
    DynamoDbClient dynamo = clients.configure(DynamoDbClient.builder())
        .httpClient(clients.httpClient())
        .overrideConfiguration(o -> o.apiCallTimeout(Duration.ofSeconds(10))
            .addExecutionInterceptor(new ExecutionInterceptor() {
              @Override
              public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                calls.add(new Call(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME),
                    context.request().overrideConfiguration().flatMap(c -> c.apiCallTimeout())));
              }
            }))
        .build();
    return new DynamoDbIngestLedger(dynamo, fx.ledgerTable, Duration.ofHours(72), Clock.systemUTC());
  }

  private static LogIngestService service(LogStore store, IngestLedger ledger) {
    return new LogIngestService(IngestLimits.DEFAULT_MAX_BODY_BYTES, Clock.systemUTC(), store, ledger,
        IngestMetrics.NONE);
  }

  @Test
  @DisplayName("no ledger call may outlive the invocation: each is cut off at the remaining time")
  void callsBoundedByRemainingTime() {
    MotoFixture fx = new MotoFixture(server);
    List<Call> calls = new CopyOnWriteArrayList<>();
    InMemoryLogStore store = new InMemoryLogStore();
    IngestResponse r = service(store, recordingLedger(fx, calls)).ingest(body(), () -> 4_321);
    assertThat(r.status()).isEqualTo(200);
    // read, lease, one chunk pending, the chunk stored, complete
    assertThat(calls).extracting(Call::operation)
        .containsExactly("GetItem", "UpdateItem", "UpdateItem", "UpdateItem", "UpdateItem");
    assertThat(calls).allSatisfy(c -> assertThat(c.timeout()).hasValueSatisfying(
        d -> assertThat(d).isPositive().isLessThanOrEqualTo(Duration.ofMillis(4_321))));
  }

  @Test
  @DisplayName("a long invocation still caps each ledger call at the clients' 10 s API call timeout")
  void callsCappedAtMaxCall() {
    MotoFixture fx = new MotoFixture(server);
    List<Call> calls = new CopyOnWriteArrayList<>();
    IngestResponse r = service(new InMemoryLogStore(), recordingLedger(fx, calls)).ingest(body(), () -> 600_000);
    assertThat(r.status()).isEqualTo(200);
    assertThat(calls).isNotEmpty().allSatisfy(c -> assertThat(c.timeout()).hasValue(CallTimeout.MAX_CALL));
  }

  @Test
  @DisplayName("with the invocation's time used up no ledger call is started: 503, nothing stored")
  void noTimeLeftIs503() {
    MotoFixture fx = new MotoFixture(server);
    List<Call> calls = new CopyOnWriteArrayList<>();
    InMemoryLogStore store = new InMemoryLogStore();
    IngestResponse r = service(store, recordingLedger(fx, calls)).ingest(body(), () -> 249);
    assertThat(r.status()).isEqualTo(503);
    assertThat(Json.map(r.body())).containsKey("error");
    assertThat(calls).isEmpty();
    assertThat(store.stored).isEmpty();
  }

  @Test
  @DisplayName("time running out after a batch is stored: the ledger update is not started, 503")
  void timeRunsOutBeforeLedgerUpdate() {
    MotoFixture fx = new MotoFixture(server);
    List<Call> calls = new CopyOnWriteArrayList<>();
    AtomicLong remaining = new AtomicLong(4_321);
    LogStore store = (batch, events, budget) -> {
      remaining.set(100); // the PutLogEvents call used up the invocation
      return List.of();
    };
    IngestResponse r = service(store, recordingLedger(fx, calls)).ingest(body(), remaining::get);
    assertThat(r.status()).isEqualTo(503);
    // read, lease and the chunk marked pending only: neither the chunk record nor the lease release is started
    // (the chunk stays pending: the retry looks for its events before sending them again)
    assertThat(calls).extracting(Call::operation).containsExactly("GetItem", "UpdateItem", "UpdateItem");
  }
}
