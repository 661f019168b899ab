package dev.edgeperimeter.authorizer.support;

import dev.edgeperimeter.authorizer.core.AuthorizerConfig;
import dev.edgeperimeter.authorizer.usertoken.IssuerKeys;
import dev.edgeperimeter.authorizer.wiring.Authorizer;
import dev.edgeperimeter.shared.aws.AwsClients;
import dev.edgeperimeter.shared.aws.AwsSettings;
import dev.edgeperimeter.shared.keys.KeyMaterialCipher;
import dev.edgeperimeter.shared.keys.KeyStore;
import dev.edgeperimeter.testsupport.LocalProcesses;
import dev.edgeperimeter.testsupport.MotoServer;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * The SDK's DynamoDB and KMS clients the authorizer reads keys with, built by {@link AwsClients}
 * (retry strategy, timeouts, endpoint) as in Lambda, on moto or on any endpoint, counting every call
 * by {@code Service.Operation} ({@code DynamoDB.Query}, {@code KMS.Decrypt}) with an SDK
 * {@link ExecutionInterceptor}. A call counts once, whatever its retries.
 */
public final class CountingClients {
  /** The per-attempt timeouts the Lambda wiring gives its clients. */
  public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
  public static final Duration READ_TIMEOUT = Duration.ofSeconds(2);

  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  private final AwsClients clients;
  private final DynamoDbClient dynamo;
  private final KmsClient kms;

  public CountingClients(MotoServer server) {
    this(server.settings());
  }

  /** Clients on {@code settings} (region, endpoint, credentials). */
  public CountingClients(AwsSettings settings) {
    this.clients = new AwsClients(settings, CONNECT_TIMEOUT, READ_TIMEOUT);
    ExecutionInterceptor counter = new ExecutionInterceptor() {
      @Override
      public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        String service = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME);
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        calls.computeIfAbsent(name(service) + "." + operation, k -> new AtomicInteger()).incrementAndGet();
      }
    };
    var counted = clients.overrideConfiguration().toBuilder().addExecutionInterceptor(counter).build();
    this.dynamo = clients.configure(DynamoDbClient.builder()).overrideConfiguration(counted)
        .httpClient(clients.httpClient()).build();
    this.kms = clients.configure(KmsClient.builder()).overrideConfiguration(counted)
        .httpClient(clients.httpClient()).build();
  }

  private static String name(String sdkServiceName) {
    return switch (sdkServiceName.toLowerCase(Locale.ROOT)) {
      case "dynamodb" -> "DynamoDB";
      case "kms" -> "KMS";
      default -> sdkServiceName;
    };
  }

  /** Clients whose every call fails to connect (nothing listens on the port). */
  public static CountingClients unreachable(MotoServer server) {
    return at(server, URI.create("http://127.0.0.1:" + LocalProcesses.freeLoopbackPort()));
  }

  /** Clients with moto's region and credentials, sent to {@code endpoint}. */
  public static CountingClients at(MotoServer server, URI endpoint) {
    AwsSettings moto = server.settings();
    return new CountingClients(new AwsSettings(moto.region(), Optional.of(endpoint), moto.credentials()));
  }

  /** An authorizer wired as in Lambda, reading keys through these clients; the JWKS as configured. */
  public Authorizer authorizer(AuthorizerConfig config, Clock clock) {
    return authorizer(config, clock, null);
  }

  /** An authorizer reading keys through these clients and user-token keys from {@code issuerKeys}. */
  public Authorizer authorizer(AuthorizerConfig config, Clock clock, IssuerKeys issuerKeys) {
    return Authorizer.create(config, keyStore(config), cipher(config), issuerKeys, clock);
  }

  public KeyStore keyStore(AuthorizerConfig config) {
    return new KeyStore(dynamo, config.keyTableName());
  }

  public KeyMaterialCipher cipher(AuthorizerConfig config) {
    return new KeyMaterialCipher(kms, config.kmsKeyId().orElse(null));
  }

  public DynamoDbClient dynamoDb() {
    return dynamo;
  }

  public KmsClient kms() {
    return kms;
  }

  public int calls(String serviceDotOperation) {
    AtomicInteger n = calls.get(serviceDotOperation);
    return n == null ? 0 : n.get();
  }

  public int total() {
    return calls.values().stream().mapToInt(AtomicInteger::get).sum();
  }

  public Map<String, AtomicInteger> all() {
    return calls;
  }

  public void reset() {
    calls.clear();
  }
}
