package dev.edgeperimeter.testsupport.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgeperimeter.testsupport.MotoExtension;
import dev.edgeperimeter.testsupport.MotoServer;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/** The proxy forwards AWS calls unchanged, one at a time, and injects the faults its rules name. */
@ExtendWith(MotoExtension.class)
class SerializingProxyTest {
  private final MotoServer moto;
  private SerializingProxy proxy;
  private DynamoDbClient dynamo;
  private DynamoDbClient noRetries;
  private String table;

  SerializingProxyTest(MotoServer moto) {
    this.moto = moto;
  }

  @BeforeEach
  void setUp() {
    proxy = SerializingProxy.inFrontOf(moto);
    dynamo = proxy.clients().dynamoDb();
    noRetries = proxy.clients().configure(DynamoDbClient.builder())
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
        .build();
    table = "proxy-" + UUID.randomUUID();
    dynamo.createTable(r -> r.tableName(table).billingMode(BillingMode.PAY_PER_REQUEST)
        .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH))
        .attributeDefinitions(a -> a.attributeName("pk").attributeType(ScalarAttributeType.S)));
  }

  @AfterEach
  void tearDown() {
    dynamo.close();
    noRetries.close();
    proxy.close();
  }

  private void put(DynamoDbClient client, String pk) {
    client.putItem(r -> r.tableName(table).item(Map.of("pk", AttributeValue.fromS(pk))));
  }

  private boolean exists(String pk) {
    return dynamo.getItem(r -> r.tableName(table).key(Map.of("pk", AttributeValue.fromS(pk))).consistentRead(true))
        .hasItem();
  }

  @Test
  @DisplayName("SDK calls through the proxy reach moto and come back unchanged; the proxy lists them")
  void forwards() {
    put(dynamo, "a");
    assertThat(exists("a")).isTrue();
    assertThat(proxy.requests(ProxiedRequest.operation("PutItem"))).singleElement()
        .satisfies(r -> assertThat(r.amzTarget()).contains("DynamoDB_20120810.PutItem"))
        .satisfies(r -> assertThat(r.bodyText()).contains(table));
    assertThat(proxy.maxConcurrentForwards()).isEqualTo(1);
  }

  @Test
  @DisplayName("requests arrive concurrently, yet moto is sent the next one only after the previous one was answered")
  void concurrentClientsOneForwardAtATime() throws Exception {
    CountDownLatch secondArrived = new CountDownLatch(1);
    proxy.on(ProxiedRequest.operation("PutItem")).nth(1).intercept(r -> await(secondArrived));
    proxy.on(ProxiedRequest.operation("PutItem")).nth(2).intercept(r -> secondArrived.countDown());

    CompletableFuture<Void> first = CompletableFuture.runAsync(() -> put(dynamo, "first"));
    CompletableFuture<Void> second = CompletableFuture.runAsync(() -> put(dynamo, "second"));
    CompletableFuture.allOf(first, second).get(30, TimeUnit.SECONDS);

    assertThat(exists("first")).isTrue();
    assertThat(exists("second")).isTrue();
    assertThat(proxy.maxConcurrentRequests()).isGreaterThanOrEqualTo(2);
    assertThat(proxy.maxConcurrentForwards()).isEqualTo(1);
  }

  private static void await(CountDownLatch latch) {
    try {
      assertThat(latch.await(30, TimeUnit.SECONDS)).isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  @DisplayName("dropResponse: the n-th matching write is applied, and its client never hears back")
  void dropResponse() {
    FaultRule rule = proxy.on(ProxiedRequest.operation("DynamoDB_20120810.PutItem")).nth(2).dropResponse();
    put(noRetries, "one");
    assertThatThrownBy(() -> put(noRetries, "two")).isInstanceOf(SdkClientException.class);
    put(noRetries, "three");
    assertThat(exists("two")).as("applied though unanswered").isTrue();
    assertThat(exists("three")).isTrue();
    assertThat(rule.fired()).isEqualTo(1);
  }

  @Test
  @DisplayName("resetConnection: the matching request is not applied; the SDK's retry then goes through")
  void resetConnection() {
    FaultRule rule = proxy.on(ProxiedRequest.bodyContains("\"reset-me\"")).first(1).resetConnection();
    assertThatThrownBy(() -> put(noRetries, "reset-me")).isInstanceOf(SdkClientException.class);
    assertThat(exists("reset-me")).isFalse();
    put(dynamo, "reset-me");
    assertThat(exists("reset-me")).isTrue();
    assertThat(rule.fired()).isEqualTo(1);
    assertThat(proxy.requests(ProxiedRequest.bodyContains("\"reset-me\""))
        .stream().filter(r -> r.amzTarget().orElse("").endsWith("PutItem"))).hasSize(2);
  }

  @Test
  @DisplayName("throttle: answered with ThrottlingException (not forwarded); the SDK retries it")
  void throttle() {
    proxy.on(ProxiedRequest.operation("PutItem")).first(1).throttle();
    assertThatThrownBy(() -> put(noRetries, "t1")).isInstanceOfSatisfying(DynamoDbException.class,
        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ThrottlingException"));
    assertThat(exists("t1")).isFalse();

    FaultRule again = proxy.on(ProxiedRequest.operation("PutItem")).first(2)
        .throttle("ProvisionedThroughputExceededException");
    put(dynamo, "t2");
    assertThat(exists("t2")).isTrue();
    assertThat(again.fired()).isEqualTo(2);
  }

  @Test
  @DisplayName("respond: any answer; a removed rule no longer acts")
  void respondAndRemove() {
    FaultRule rule = proxy.on(ProxiedRequest.operation("PutItem")).respond(500, "application/x-amz-json-1.0",
        "{\"__type\":\"InternalServerError\",\"message\":\"injected\"}");
    assertThatThrownBy(() -> put(noRetries, "r")).isInstanceOfSatisfying(DynamoDbException.class,
        e -> assertThat(e.statusCode()).isEqualTo(500));
    rule.remove();
    put(noRetries, "r");
    assertThat(exists("r")).isTrue();
    assertThat(rule.fired()).isEqualTo(1);
  }
}
