package dev.edgeperimeter.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgeperimeter.testsupport.MotoExtension;
import dev.edgeperimeter.testsupport.MotoServer;
import dev.edgeperimeter.shared.aws.AwsClients;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;

/** Throttling and 5xx from CloudWatch Logs: backoff with jitter inside the remaining time, then 503. */
@ExtendWith(MotoExtension.class)
class ThrottlingRetryTest {
  private final MotoServer server;

  ThrottlingRetryTest(MotoServer server) {
    this.server = server;
  }

  private static IngestRequest body() {
    return new IngestRequest(Samples.ndjson(10, Instant.now().getEpochSecond() - 30), "application/json", null);
  }

  @Test
  @DisplayName("3 × ThrottlingException (HTTP 400): retried with growing backoff, then stored")
  void throttlingRetried() throws Exception {
    MotoFixture fx = new MotoFixture(server);
    try (FlakyProxy proxy = new FlakyProxy(server.endpoint())) {
      proxy.failNext(3, 400);
      IngestResponse r = fx.service(fx.store(proxy.endpoint()), IngestMetrics.NONE).ingest(body(), TimeBudget.unlimited());
      assertThat(r.status()).isEqualTo(200);
      assertThat(proxy.failedCalls()).isEqualTo(3);
      // jitter fixed at 0.5: half of 100, 200, 400 ms
      assertThat(fx.sleeps).containsExactly(50L, 100L, 200L);
      assertThat(fx.storedEvents()).hasSize(10);
    }
  }

  @Test
  @DisplayName("2 × HTTP 500: retried, then stored")
  void serverErrorRetried() throws Exception {
    MotoFixture fx = new MotoFixture(server);
    try (FlakyProxy proxy = new FlakyProxy(server.endpoint())) {
      proxy.failNext(2, 500);
      IngestResponse r = fx.service(fx.store(proxy.endpoint()), IngestMetrics.NONE).ingest(body(), TimeBudget.unlimited());
      assertThat(r.status()).isEqualTo(200);
      assertThat(proxy.failedCalls()).isEqualTo(2);
      assertThat(fx.storedEvents()).hasSize(10);
    }
  }

  @Test
  @DisplayName("still throttled when the invocation's time runs out: 503, nothing claimed stored")
  void exhaustedBudgetIs503() throws Exception {
    MotoFixture fx = new MotoFixture(server);
    try (FlakyProxy proxy = new FlakyProxy(server.endpoint())) {
      proxy.failNext(1_000, 400);
      // 2.5 s left; every recorded sleep is taken off the budget (no real waiting)
      AtomicLong remaining = new AtomicLong(2_500);
      RetryPolicy policy = new RetryPolicy(100, 2_000, 50, 1_000, () -> 0.99, millis -> {
        fx.sleeps.add(millis);
        remaining.addAndGet(-millis);
      });
      LogStore store = new CloudWatchLogStore(fx.logsClient(proxy.endpoint()), fx.logGroup, policy);
      IngestResponse r = fx.service(store, IngestMetrics.NONE).ingest(body(), remaining::get);
      assertThat(r.status()).isEqualTo(503);
      assertThat(Json.map(r.body())).containsKey("error");
      assertThat(fx.sleeps.stream().mapToLong(Long::longValue).sum()).isLessThanOrEqualTo(1_500);
      assertThat(proxy.failedCalls()).isEqualTo(fx.sleeps.size() + 1);
      assertThat(fx.storedEvents()).isEmpty();
    }
  }

  /** A CloudWatch Logs client on moto that records each call's effective API call timeout. */
  private CloudWatchLogsClient recordingClient(List<Optional<Duration>> timeouts) {
    AwsClients clients = server.clients();
    return clients.configure(CloudWatchLogsClient.builder())
        .httpClient(clients.httpClient())
        .overrideConfiguration(ClientOverrideConfiguration.builder()
            .apiCallTimeout(Duration.ofSeconds(10))
            .retryStrategy(AwsRetryStrategy.doNotRetry())
            .addExecutionInterceptor(new ExecutionInterceptor() {
              @Override
              public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                timeouts.add(context.request().overrideConfiguration()
                    .flatMap(o -> o.apiCallTimeout()));
              }
            })
            .build())
        .build();
  }

  @Test
  @DisplayName("no CloudWatch Logs call may outlive the invocation: each is cut off at the remaining time")
  void callsBoundedByRemainingTime() {
    MotoFixture fx = new MotoFixture(server);
    List<Optional<Duration>> timeouts = new CopyOnWriteArrayList<>();
    LogStore store = new CloudWatchLogStore(recordingClient(timeouts), fx.logGroup, RetryPolicy.standard());
    IngestResponse r = fx.service(store, IngestMetrics.NONE).ingest(body(), () -> 4_321);
    assertThat(r.status()).isEqualTo(200);
    assertThat(timeouts).isNotEmpty().allSatisfy(t -> assertThat(t).hasValueSatisfying(
        d -> assertThat(d).isLessThanOrEqualTo(Duration.ofMillis(4_321))));
  }

  @Test
  @DisplayName("with the invocation's time used up no call is started: 503, nothing stored")
  void noTimeLeftIs503() {
    MotoFixture fx = new MotoFixture(server);
    List<Optional<Duration>> timeouts = new CopyOnWriteArrayList<>();
    LogStore store = new CloudWatchLogStore(recordingClient(timeouts), fx.logGroup, RetryPolicy.standard());
    IngestResponse r = fx.service(store, IngestMetrics.NONE).ingest(body(), () -> 50);
    assertThat(r.status()).isEqualTo(503);
    assertThat(timeouts).isEmpty();
    assertThat(fx.storedEvents()).isEmpty();
  }
}
