package dev.edgeperimeter.authorizer.support;

import dev.edgeperimeter.testsupport.LocalProcesses;
import dev.edgeperimeter.testsupport.MotoServer;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * Test-only DynamoDB and KMS clients on moto that count every API call (an SDK
 * {@link ExecutionInterceptor}), and can be pointed at a dead endpoint to simulate an outage.
 */
public final class CountingClients implements ExecutionInterceptor {
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  public final DynamoDbClient dynamo;
  public final KmsClient kms;

  public CountingClients(MotoServer server) {
    this(server, server.endpoint());
  }

  private CountingClients(MotoServer server, URI endpoint) {
    this.dynamo = server.clients().configure(DynamoDbClient.builder()).httpClient(server.clients().httpClient())
        .endpointOverride(endpoint)
        .overrideConfiguration(c -> c.addExecutionInterceptor(this).retryStrategy(r -> r.maxAttempts(1)))
        .build();
    this.kms = server.clients().configure(KmsClient.builder()).httpClient(server.clients().httpClient())
        .endpointOverride(endpoint)
        .overrideConfiguration(c -> c.addExecutionInterceptor(this).retryStrategy(r -> r.maxAttempts(1)))
        .build();
  }

  /** Clients whose every call fails to connect (nothing listens on the port). */
  public static CountingClients unreachable(MotoServer server) {
    return new CountingClients(server, URI.create("http://127.0.0.1:" + LocalProcesses.freeLoopbackPort()));
  }

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    String op = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME) + "."
        + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
    calls.computeIfAbsent(op, k -> new AtomicInteger()).incrementAndGet();
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
