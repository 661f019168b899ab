package dev.edgeperimeter.rotation.support;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Wraps a DynamoDB client so that its writes reach moto one at a time. DynamoDB serializes
 * conflicting transactions; moto_server does not (a failing transaction restores a copy of the
 * tables taken when it began, undoing writes that committed meanwhile), so concurrency tests against
 * moto would otherwise observe lost updates that DynamoDB never produces. Reads stay concurrent.
 */
public final class SerializedWrites {
  private static final Set<String> WRITES = Set.of("transactWriteItems", "updateItem", "putItem", "deleteItem",
      "batchWriteItem");
  private static final Object LOCK = new Object();

  private SerializedWrites() {
  }

  public static DynamoDbClient wrap(DynamoDbClient client) {
    return (DynamoDbClient) Proxy.newProxyInstance(DynamoDbClient.class.getClassLoader(),
        new Class<?>[] {DynamoDbClient.class}, (proxy, method, args) -> {
          try {
            if (WRITES.contains(method.getName())) {
              synchronized (LOCK) {
                return method.invoke(client, args);
              }
            }
            return method.invoke(client, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }
}
