package dev.edgeperimeter.ingest;

import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * {@link IngestLedger} in the {@code IngestLedgerTable} (partition key {@code pk} S, TTL attribute
 * {@code expiresAt}). Item: {@code pk} = body identity, {@code chunks} NS of stored chunk indexes,
 * {@code pendingChunks} NS of chunks sent (or about to be) whose outcome is not recorded yet,
 * {@code chunkCount} N, {@code complete} BOOL, {@code accepted}/{@code rejected} N (informational),
 * {@code firstSeenAt}/{@code updatedAt} N epoch seconds, {@code expiresAt} N epoch seconds
 * ({@code LEDGER_TTL_HOURS} after the last update), {@code leaseOwner} S / {@code leaseUntil} N (epoch
 * ms) while an invocation is storing the body. Reads are strongly consistent. The SDK client's
 * own retries apply; a failure after them is {@link StoreUnavailableException}. Every call
 * (retries included) is cut off at the invocation's remaining time and none is started with too
 * little left ({@link CallTimeout}), so a slow DynamoDB ends in a 503 answer, not a Lambda timeout.
 */
public final class DynamoDbIngestLedger implements IngestLedger {
  private final DynamoDbClient dynamo;
  private final String tableName;
  private final Duration ttl;
  private final Clock clock;

  public DynamoDbIngestLedger(DynamoDbClient dynamo, String tableName, Duration ttl, Clock clock) {
    this.dynamo = dynamo;
    this.tableName = tableName;
    this.ttl = ttl;
    this.clock = clock;
  }

  @Override
  public Entry read(String identity, TimeBudget budget) throws StoreUnavailableException {
    AwsRequestOverrideConfiguration timeout = CallTimeout.forNextCall("ingest ledger read", budget);
    try {
      GetItemResponse response = dynamo.getItem(r -> r.overrideConfiguration(timeout)
          .tableName(tableName).consistentRead(true)
          .key(Map.of("pk", AttributeValue.fromS(identity))));
      if (!response.hasItem() || response.item().isEmpty()) {
        return Entry.NEW;
      }
      return entry(response.item());
    } catch (SdkException | NumberFormatException e) {
      throw new StoreUnavailableException("ingest ledger read failed: " + e.getClass().getSimpleName(), e);
    }
  }

  private static Entry entry(Map<String, AttributeValue> item) {
    boolean complete = item.containsKey("complete") && Boolean.TRUE.equals(item.get("complete").bool());
    Set<Integer> chunks = new HashSet<>();
    AttributeValue ns = item.get("chunks");
    if (ns != null && ns.hasNs()) {
      for (String n : ns.ns()) {
        chunks.add(Integer.parseInt(n));
      }
    }
    Set<Integer> pending = new HashSet<>();
    AttributeValue ps = item.get("pendingChunks");
    if (ps != null && ps.hasNs()) {
      for (String n : ps.ns()) {
        pending.add(Integer.parseInt(n));
      }
    }
    pending.removeAll(chunks);
    return new Entry(complete, chunks, pending);
  }

  @Override
  public Entry acquire(String identity, String owner, long untilMillis, TimeBudget budget)
      throws StoreUnavailableException {
    AwsRequestOverrideConfiguration timeout = CallTimeout.forNextCall("ingest ledger lease", budget);
    long now = clock.millis();
    try {
      Map<String, AttributeValue> item = dynamo.updateItem(r -> r.overrideConfiguration(timeout).tableName(tableName)
          .key(Map.of("pk", AttributeValue.fromS(identity)))
          .updateExpression("SET leaseOwner = :owner, leaseUntil = :until, "
              + "firstSeenAt = if_not_exists(firstSeenAt, :nowSec), expiresAt = :exp")
          .conditionExpression("attribute_not_exists(leaseUntil) OR leaseUntil < :nowMs OR leaseOwner = :owner")
          .expressionAttributeValues(Map.of(
              ":owner", AttributeValue.fromS(owner),
              ":until", AttributeValue.fromN(Long.toString(untilMillis)),
              ":nowMs", AttributeValue.fromN(Long.toString(now)),
              ":nowSec", AttributeValue.fromN(Long.toString(now / 1000)),
              ":exp", AttributeValue.fromN(Long.toString(now / 1000 + ttl.toSeconds()))))
          .returnValues(ReturnValue.ALL_NEW)).attributes();
      return entry(item);
    } catch (ConditionalCheckFailedException held) {
      return null;
    } catch (SdkException | NumberFormatException e) {
      throw new StoreUnavailableException("ingest ledger lease failed: " + e.getClass().getSimpleName(), e);
    }
  }

  @Override
  public void release(String identity, String owner, TimeBudget budget) throws StoreUnavailableException {
    AwsRequestOverrideConfiguration timeout = CallTimeout.forNextCall("ingest ledger release", budget);
    try {
      dynamo.updateItem(r -> r.overrideConfiguration(timeout).tableName(tableName)
          .key(Map.of("pk", AttributeValue.fromS(identity)))
          .updateExpression("REMOVE leaseOwner, leaseUntil")
          .conditionExpression("leaseOwner = :owner")
          .expressionAttributeValues(Map.of(":owner", AttributeValue.fromS(owner))));
    } catch (ConditionalCheckFailedException notOurs) {
      // expired and taken over by another invocation: nothing to give back
    } catch (SdkException e) {
      throw new StoreUnavailableException("ingest ledger release failed: " + e.getClass().getSimpleName(), e);
    }
  }

  @Override
  public void chunkPending(String identity, int chunk, int chunkCount, TimeBudget budget)
      throws StoreUnavailableException {
    long now = clock.instant().getEpochSecond();
    update(identity, budget, "ADD pendingChunks :c SET chunkCount = :n, firstSeenAt = if_not_exists(firstSeenAt, :now), "
        + "updatedAt = :now, expiresAt = :exp", Map.of(
            ":c", AttributeValue.fromNs(java.util.List.of(Integer.toString(chunk))),
            ":n", AttributeValue.fromN(Integer.toString(chunkCount)),
            ":now", AttributeValue.fromN(Long.toString(now)),
            ":exp", AttributeValue.fromN(Long.toString(now + ttl.toSeconds()))));
  }

  @Override
  public void chunkStored(String identity, int chunk, int chunkCount, TimeBudget budget)
      throws StoreUnavailableException {
    long now = clock.instant().getEpochSecond();
    update(identity, budget, "ADD chunks :c DELETE pendingChunks :c SET chunkCount = :n, firstSeenAt = if_not_exists(firstSeenAt, :now), "
        + "updatedAt = :now, expiresAt = :exp", Map.of(
            ":c", AttributeValue.fromNs(java.util.List.of(Integer.toString(chunk))),
            ":n", AttributeValue.fromN(Integer.toString(chunkCount)),
            ":now", AttributeValue.fromN(Long.toString(now)),
            ":exp", AttributeValue.fromN(Long.toString(now + ttl.toSeconds()))));
  }

  @Override
  public void complete(String identity, int chunkCount, int accepted, int rejected, TimeBudget budget)
      throws StoreUnavailableException {
    long now = clock.instant().getEpochSecond();
    update(identity, budget, "SET complete = :t, chunkCount = :n, accepted = :a, rejected = :r, "
        + "firstSeenAt = if_not_exists(firstSeenAt, :now), updatedAt = :now, expiresAt = :exp "
        + "REMOVE leaseOwner, leaseUntil", Map.of(
            ":t", AttributeValue.fromBool(true),
            ":n", AttributeValue.fromN(Integer.toString(chunkCount)),
            ":a", AttributeValue.fromN(Integer.toString(accepted)),
            ":r", AttributeValue.fromN(Integer.toString(rejected)),
            ":now", AttributeValue.fromN(Long.toString(now)),
            ":exp", AttributeValue.fromN(Long.toString(now + ttl.toSeconds()))));
  }

  private void update(String identity, TimeBudget budget, String expression, Map<String, AttributeValue> values)
      throws StoreUnavailableException {
    AwsRequestOverrideConfiguration timeout = CallTimeout.forNextCall("ingest ledger update", budget);
    try {
      dynamo.updateItem(r -> r.overrideConfiguration(timeout).tableName(tableName)
          .key(Map.of("pk", AttributeValue.fromS(identity)))
          .updateExpression(expression)
          .expressionAttributeValues(values));
    } catch (SdkException e) {
      throw new StoreUnavailableException("ingest ledger update failed: " + e.getClass().getSimpleName(), e);
    }
  }
}
