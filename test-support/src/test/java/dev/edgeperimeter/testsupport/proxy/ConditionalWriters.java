package dev.edgeperimeter.testsupport.proxy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * A race of conditional writers: each of several clients (own SDK client, own thread) sets
 * {@code owner} on one item on condition that {@code version} is still 0, all released at once.
 * On DynamoDB exactly one wins. The update also sets many attributes, which widens moto's window
 * between checking the condition and applying the write.
 */
final class ConditionalWriters {
  private static final int WIDE = 60;
  private final String table;
  private final List<DynamoDbClient> writers;

  ConditionalWriters(DynamoDbClient admin, String table, List<DynamoDbClient> writers) {
    this.table = table;
    this.writers = writers;
    admin.createTable(r -> r.tableName(table).billingMode(BillingMode.PAY_PER_REQUEST)
        .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH))
        .attributeDefinitions(a -> a.attributeName("pk").attributeType(ScalarAttributeType.S)));
    admin.waiter().waitUntilTableExists(r -> r.tableName(table));
  }

  /** Runs one race on a fresh item {@code pk}; returns how many writers were told they won. */
  int race(DynamoDbClient admin, String pk) throws Exception {
    admin.putItem(r -> r.tableName(table).item(Map.of("pk", s(pk), "version", n(0))));
    String update = "SET version = :next, #owner = :me, "
        + IntStream.range(0, WIDE).mapToObj(i -> "a" + i + " = :me").collect(Collectors.joining(", "));
    CyclicBarrier start = new CyclicBarrier(writers.size());
    ExecutorService pool = Executors.newFixedThreadPool(writers.size());
    try {
      List<Future<Boolean>> won = new ArrayList<>();
      for (int i = 0; i < writers.size(); i++) {
        DynamoDbClient writer = writers.get(i);
        String me = "writer-" + i;
        won.add(pool.submit(() -> {
          start.await();
          try {
            writer.updateItem(r -> r.tableName(table).key(Map.of("pk", s(pk)))
                .updateExpression(update)
                .conditionExpression("version = :expected")
                .expressionAttributeNames(Map.of("#owner", "owner"))
                .expressionAttributeValues(Map.of(":expected", n(0), ":next", n(1), ":me", s(me))));
            return true;
          } catch (ConditionalCheckFailedException lost) {
            return false;
          }
        }));
      }
      int winners = 0;
      for (Future<Boolean> f : won) {
        winners += f.get() ? 1 : 0;
      }
      return winners;
    } finally {
      pool.shutdownNow();
    }
  }

  private static AttributeValue s(String value) {
    return AttributeValue.fromS(value);
  }

  private static AttributeValue n(int value) {
    return AttributeValue.fromN(Integer.toString(value));
  }
}
