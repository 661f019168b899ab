package dev.edgeperimeter.shared.aws;

import java.time.Duration;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * The one place AWS SDK clients are built: the URL-connection HTTP client (small, no Apache or
 * Netty, fast to start), region, credentials, endpoint override, FIPS and dual-stack from
 * {@link AwsSettings}, and the SDK's standard retry strategy (exponential backoff with jitter,
 * retry quota) with at most {@link #MAX_ATTEMPTS} attempts. Each call is bounded by
 * {@link #API_CALL_TIMEOUT} unless the caller gives a shorter one per request (a deadline).
 *
 * <p>Build one per container and reuse it. The URL-connection client opens no socket until the
 * first request.
 */
public final class AwsClients {
  /** Attempts per call, the first included. */
  public static final int MAX_ATTEMPTS = 3;
  /** The longest one call may take, every attempt and backoff included. */
  public static final Duration API_CALL_TIMEOUT = Duration.ofSeconds(10);

  private final AwsSettings settings;
  private final SdkHttpClient httpClient;

  public AwsClients(AwsSettings settings) {
    this(settings, Duration.ofSeconds(2), Duration.ofSeconds(5));
  }

  /**
   * @param connectTimeout TCP connect timeout of one attempt
   * @param socketTimeout  read timeout of one attempt
   */
  public AwsClients(AwsSettings settings, Duration connectTimeout, Duration socketTimeout) {
    this.settings = settings;
    this.httpClient = UrlConnectionHttpClient.builder()
        .connectionTimeout(connectTimeout)
        .socketTimeout(socketTimeout)
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
   * Applies region, credentials, endpoint settings, retries and the call timeout to any SDK client
   * builder, so modules that add other services (CloudWatch Logs, Secrets Manager) build them the
   * same way: {@code clients.configure(CloudWatchLogsClient.builder()).httpClient(clients.httpClient()).build()}.
   */
  public <B extends AwsClientBuilder<B, C>, C> B configure(B builder) {
    builder.region(settings.region())
        .credentialsProvider(settings.credentials())
        .fipsEnabled(settings.fips())
        .dualstackEnabled(settings.dualstack())
        .overrideConfiguration(overrideConfiguration());
    settings.endpointOverride().ifPresent(builder::endpointOverride);
    return builder;
  }

  /**
   * The retry strategy and call timeout every client gets; a caller that adds to it (tests count
   * calls with an {@code ExecutionInterceptor}) starts from {@code overrideConfiguration().toBuilder()}.
   */
  public ClientOverrideConfiguration overrideConfiguration() {
    return ClientOverrideConfiguration.builder()
        .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(MAX_ATTEMPTS).build())
        .apiCallTimeout(API_CALL_TIMEOUT)
        .build();
  }

  public SdkHttpClient httpClient() {
    return httpClient;
  }
}
