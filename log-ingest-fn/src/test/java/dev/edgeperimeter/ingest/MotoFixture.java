package dev.edgeperimeter.ingest;

import dev.edgeperimeter.shared.aws.AwsClients;
import dev.edgeperimeter.shared.aws.AwsSettings;
import dev.edgeperimeter.testsupport.MotoServer;
import dev.edgeperimeter.testsupport.SamTemplate;
import dev.edgeperimeter.testsupport.TemplateResources;
import dev.edgeperimeter.testsupport.proxy.SerializingProxy;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilteredLogEvent;

/**
 * Per-test resources in moto, created from template.yaml ({@code EdgeLogGroup},
 * {@code IngestLedgerTable}) under unique names, and the service wired to them the way the
 * handler wires it (SDK retries off for CloudWatch Logs, ledger in DynamoDB).
 */
final class MotoFixture {
  final MotoServer server;
  final String logGroup;
  final String ledgerTable;
  final List<Long> sleeps = new ArrayList<>();

  MotoFixture(MotoServer server) {
    this.server = server;
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    TemplateResources resources = new TemplateResources(SamTemplate.load(), server.clients());
    this.logGroup = resources.createLogGroup("EdgeLogGroup", "/edge-perimeter/test-" + suffix + "/edge");
    this.ledgerTable = resources.createTable("IngestLedgerTable", "ingest-ledger-" + suffix);
  }

  /** A CloudWatch Logs client (no SDK retries) against {@code endpoint} (moto or a proxy in front). */
  CloudWatchLogsClient logsClient(URI endpoint) {
    AwsSettings moto = server.settings();
    AwsClients clients = new AwsClients(new AwsSettings(moto.region(), Optional.of(endpoint), moto.credentials()));
    return clients.configure(CloudWatchLogsClient.builder())
        .httpClient(clients.httpClient())
        .overrideConfiguration(ClientOverrideConfiguration.builder()
            .apiCallTimeout(Duration.ofSeconds(10))
            .retryStrategy(AwsRetryStrategy.doNotRetry())
            .build())
        .build();
  }

  RetryPolicy recordingRetry() {
    return new RetryPolicy(100, 2_000, 8, 1_000, () -> 0.5, sleeps::add);
  }

  LogStore store(URI endpoint) {
    return new CloudWatchLogStore(logsClient(endpoint), logGroup, recordingRetry());
  }

  IngestLedger ledger() {
    return new DynamoDbIngestLedger(server.clients().dynamoDb(), ledgerTable, Duration.ofHours(72), Clock.systemUTC());
  }

  LogIngestService service(LogStore store, IngestMetrics metrics) {
    return new LogIngestService(IngestLimits.DEFAULT_MAX_BODY_BYTES, Clock.systemUTC(), store, ledger(), metrics);
  }

  /**
   * The service as a fresh container builds it, with every AWS call (CloudWatch Logs and the
   * DynamoDB ledger) going through {@code proxy}; the store's retries do not sleep.
   */
  LogIngestService serviceVia(SerializingProxy proxy) {
    RetryPolicy noWait = new RetryPolicy(100, 2_000, 8, 1_000, () -> 0.5, millis -> { });
    LogStore store = new CloudWatchLogStore(logsClient(proxy.endpoint()), logGroup, noWait);
    IngestLedger ledger = new DynamoDbIngestLedger(proxy.clients().dynamoDb(), ledgerTable, Duration.ofHours(72),
        Clock.systemUTC());
    return new LogIngestService(IngestLimits.DEFAULT_MAX_BODY_BYTES, Clock.systemUTC(), store, ledger, IngestMetrics.NONE);
  }

  LogIngestService service() {
    return service(store(server.endpoint()), IngestMetrics.NONE);
  }

  /** Every stored event of the log group, as (stream, message) in time order per stream. */
  List<FilteredLogEvent> storedEvents() {
    try (CloudWatchLogsClient logs = logsClient(server.endpoint())) {
      List<FilteredLogEvent> out = new ArrayList<>();
      logs.filterLogEventsPaginator(r -> r.logGroupName(logGroup)).events().forEach(out::add);
      return out;
    }
  }

  List<Map<String, Object>> storedMaps() {
    return storedEvents().stream().map(e -> Json.map(e.message())).toList();
  }
}
