package dev.edgeperimeter.shared.aws;

import java.time.Duration;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * The one place AWS SDK clients are built: the URL-connection HTTP client (small, no Apache or
 * Netty, fast to start), region, credentials and endpoint override from {@link AwsSettings}.
 *
 * <p>Build one per container (a static field or a handler constructor) and reuse it. The
 * URL-connection client opens no socket until the first request, so a client built before a
 * SnapStart snapshot carries no connection across the restore.
 */
public final class AwsClients {

  private final AwsSettings settings;
  private final SdkHttpClient httpClient;

  public AwsClients(AwsSettings settings) {
    this.settings = settings;
    this.httpClient = UrlConnectionHttpClient.builder()
        .connectionTimeout(Duration.ofSeconds(2))
        .socketTimeout(Duration.ofSeconds(5))
        .build();
  }

  public AwsSettings settings() {
    return settings;
  }

  public DynamoDbClient dynamoDb() {
    return configure(DynamoDbClient.builder()).httpClient(httpClient).build();
  }

  public KmsClient kms() {
    return configure(KmsClient.builder()).httpClient(httpClient).build();
  }

  /**
   * Applies region, credentials and endpoint override to any SDK client builder, so modules
   * that add other services (CloudWatch Logs, Secrets Manager) build them the same way:
   * {@code clients.configure(CloudWatchLogsClient.builder()).httpClient(clients.httpClient()).build()}.
   */
  public <B extends AwsClientBuilder<B, C>, C> B configure(B builder) {
    builder.region(settings.region())
        .credentialsProvider(settings.credentials())
        .overrideConfiguration(ClientOverrideConfiguration.builder()
            .apiCallTimeout(Duration.ofSeconds(10))
            .build());
    settings.endpointOverride().ifPresent(builder::endpointOverride);
    return builder;
  }

  public SdkHttpClient httpClient() {
    return httpClient;
  }
}
