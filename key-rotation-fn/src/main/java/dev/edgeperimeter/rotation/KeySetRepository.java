package dev.edgeperimeter.rotation;

import static dev.edgeperimeter.shared.keys.KeyTable.n;
import static dev.edgeperimeter.shared.keys.KeyTable.s;

import dev.edgeperimeter.shared.keys.KeyRecord;
import dev.edgeperimeter.shared.keys.KeyState;
import dev.edgeperimeter.shared.keys.KeyStore;
import dev.edgeperimeter.shared.keys.KeyTable;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * Every read and write of the key set, all writes conditional:
 * <ul>
 *   <li>key rows ({@code sk = KEY#<kid>}, contract section 1) are created with
 *       {@code attribute_not_exists} and changed only with a {@code state} and {@code version}
 *       condition, the version incremented by every state change;</li>
 *   <li>the rotation marker ({@code sk = ROTATION}) holds {@code pendingKid} while a NEXT key is
 *       in flight (only one at a time), {@code currentKid}, the CURRENT key, and {@code edgeKid},
 *       the key last confirmed at the edge. Every promotion is conditional on the marker's
 *       {@code pendingKid} and {@code currentKid}, so even a torn read (a DynamoDB Query may see
 *       part of a committed transaction) cannot lead to two CURRENT keys;</li>
 *   <li>period locks ({@code sk = PERIOD#<yyyy-MM>}) record that a month has been rotated; the
 *       scheduled rotation creates its lock with {@code attribute_not_exists} in the same
 *       transaction as the NEXT key, so racing runs cannot both create one;</li>
 *   <li>the force lock ({@code sk = FORCE}) is the same guard for forced rotations: a forced run
 *       creates its NEXT key only if no other forced run did so within the lock window
 *       ({@code lockedUntil}), again in the same transaction, so simultaneous forced invocations
 *       create one key between them.</li>
 * </ul>
 * Neither helper row starts with {@code KEY#}, so {@link KeyStore} never reads them.
 */
final class KeySetRepository {
  static final String MARKER_SK = "ROTATION";
  static final String PERIOD_PREFIX = "PERIOD#";
  static final String FORCE_SK = "FORCE";
  static final String LOCKED_UNTIL = "lockedUntil";
  static final String PENDING_KID = "pendingKid";
  static final String EDGE_KID = "edgeKid";
  static final String CURRENT_KID = "currentKid";
  static final String UPDATED_AT = "updatedAt";
  static final String REVOKED_AT = "revokedAt";
  static final String REVOKE_REASON = "revokeReason";
  static final String CHANGED_BY = "changedBy";
  static final String CHANGED_AT = "changedAt";
  /** Period locks are kept about 13 months, long past any redelivery of their schedule. */
  static final long PERIOD_LOCK_TTL_DAYS = 400;

  /** How a NEXT key's creation treats the period lock. */
  enum PeriodLock {
    /** Only if the period has not been rotated yet (the scheduled rotation). */
    CLAIM,
    /** Mark the period rotated whatever it was (forced rotation, bootstrap, revocation). */
    MARK
  }

  private final DynamoDbClient dynamo;
  private final String table;
  private final String keySet;
  private final KeyStore store;

  KeySetRepository(DynamoDbClient dynamo, String table, String keySet) {
    this.dynamo = dynamo;
    this.table = table;
    this.keySet = keySet;
    this.store = new KeyStore(dynamo, table);
  }

  KeySetSnapshot load(YearMonth period) {
    List<KeyRecord> keys = store.load(keySet);
    Map<String, AttributeValue> marker = get(MARKER_SK);
    boolean rotated = !get(periodSortKey(period)).isEmpty();
    return new KeySetSnapshot(keys, text(marker, PENDING_KID), text(marker, EDGE_KID), text(marker, CURRENT_KID),
        rotated);
  }

  private Map<String, AttributeValue> get(String sortKey) {
    Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).key(rowKey(sortKey)).consistentRead(true))
        .item();
    return item == null ? Map.of() : item;
  }

  private static Optional<String> text(Map<String, AttributeValue> item, String name) {
    AttributeValue v = item.get(name);
    return v == null || v.s() == null ? Optional.empty() : Optional.of(v.s());
  }

  /**
   * Creates {@code key} as NEXT, marks it pending and handles the period lock, in one transaction.
   *
   * @param forceLockUntil for a forced rotation: take the force lock until then, failing with
   *                       {@link ConcurrentChangeException} while another forced run holds it
   */
  void createNext(KeyRecord key, YearMonth period, PeriodLock lock, Optional<Instant> forceLockUntil,
                  Trigger trigger, Instant now) {
    Map<String, AttributeValue> item = new HashMap<>(KeyTable.toItem(key));
    item.put(CHANGED_BY, s(trigger.toString()));
    Map<String, AttributeValue> lockItem = new HashMap<>(rowKey(periodSortKey(period)));
    lockItem.put(KeyTable.KID, s(key.kid()));
    lockItem.put("rotatedAt", s(now.toString()));
    lockItem.put(CHANGED_BY, s(trigger.toString()));
    lockItem.put(KeyTable.EXPIRES_AT, n(period.atEndOfMonth().atStartOfDay(ZoneOffset.UTC).toEpochSecond()
        + PERIOD_LOCK_TTL_DAYS * 86_400));
    Put.Builder lockPut = Put.builder().tableName(table).item(lockItem);
    if (lock == PeriodLock.CLAIM) {
      lockPut.conditionExpression("attribute_not_exists(#sk)").expressionAttributeNames(Map.of("#sk", KeyTable.SK));
    }
    List<TransactWriteItem> writes = new ArrayList<>(List.of(
        TransactWriteItem.builder().put(p -> p.tableName(table).item(item)
            .conditionExpression("attribute_not_exists(#sk)")
            .expressionAttributeNames(Map.of("#sk", KeyTable.SK))).build(),
        TransactWriteItem.builder().put(lockPut.build()).build(),
        TransactWriteItem.builder().update(u -> u.tableName(table).key(rowKey(MARKER_SK))
            .updateExpression("SET #pending = :kid, #updated = :now ADD #version :one")
            .conditionExpression("attribute_not_exists(#pending)")
            .expressionAttributeNames(Map.of("#pending", PENDING_KID, "#updated", UPDATED_AT,
                "#version", KeyTable.VERSION))
            .expressionAttributeValues(Map.of(":kid", s(key.kid()), ":now", s(now.toString()), ":one", n(1))))
            .build()));
    forceLockUntil.ifPresent(until -> writes.add(forceLock(key.kid(), until, trigger, now)));
    transact("create " + key.kid(), writes.toArray(TransactWriteItem[]::new));
  }

  /** Takes the force lock until {@code until}, unless another forced run holds it now. */
  private TransactWriteItem forceLock(String kid, Instant until, Trigger trigger, Instant now) {
    Map<String, AttributeValue> lock = new HashMap<>(rowKey(FORCE_SK));
    lock.put(KeyTable.KID, s(kid));
    lock.put(LOCKED_UNTIL, n(until.getEpochSecond()));
    lock.put(CHANGED_BY, s(trigger.toString()));
    lock.put(CHANGED_AT, s(now.toString()));
    lock.put(KeyTable.EXPIRES_AT, n(until.getEpochSecond() + 86_400));
    return TransactWriteItem.builder().put(p -> p.tableName(table).item(lock)
        .conditionExpression("attribute_not_exists(#sk) OR #until <= :now")
        .expressionAttributeNames(Map.of("#sk", KeyTable.SK, "#until", LOCKED_UNTIL))
        .expressionAttributeValues(Map.of(":now", n(now.getEpochSecond())))).build();
  }

  /** Until when the force lock is held, with the kid and trigger of the run holding it; empty if free. */
  Optional<String> forceLockHolder(Instant now) {
    Map<String, AttributeValue> lock = get(FORCE_SK);
    AttributeValue until = lock.get(LOCKED_UNTIL);
    if (until == null || until.n() == null || Long.parseLong(until.n()) <= now.getEpochSecond()) {
      return Optional.empty();
    }
    return Optional.of("kid " + text(lock, KeyTable.KID).orElse("?") + " by " + text(lock, CHANGED_BY).orElse("?")
        + ", locked until " + Instant.ofEpochSecond(Long.parseLong(until.n())));
  }

  /** Records that the edge store confirmed {@code kid}. */
  void recordPublished(String kid, Instant now) {
    dynamo.updateItem(u -> u.tableName(table).key(rowKey(MARKER_SK))
        .updateExpression("SET #edge = :kid, #updated = :now ADD #version :one")
        .expressionAttributeNames(Map.of("#edge", EDGE_KID, "#updated", UPDATED_AT, "#version", KeyTable.VERSION))
        .expressionAttributeValues(Map.of(":kid", s(kid), ":now", s(now.toString()), ":one", n(1))));
  }

  /**
   * In one transaction: {@code next} NEXT → CURRENT; {@code current} (if any) CURRENT → PREVIOUS,
   * or → REVOKED when {@code revokeReason} is given; the marker's pending key cleared and its
   * current key moved from {@code markerCurrent} to {@code next}.
   *
   * @param markerCurrent the marker's {@code currentKid} as read (empty when unset)
   */
  void promote(KeyRecord next, Optional<KeyRecord> current, Optional<String> markerCurrent,
               Optional<String> revokeReason, Trigger trigger, Instant now) {
    List<TransactWriteItem> writes = new ArrayList<>();
    writes.add(TransactWriteItem.builder().update(transition(next, KeyState.CURRENT, trigger, now,
        "#activated = :now", Map.of("#activated", KeyTable.ACTIVATED_AT), Map.of())).build());
    current.ifPresent(cur -> writes.add(TransactWriteItem.builder().update(revokeReason
        .map(reason -> transition(cur, KeyState.REVOKED, trigger, now, "#revokedAt = :now, #reason = :reason",
            Map.of("#revokedAt", REVOKED_AT, "#reason", REVOKE_REASON), Map.of(":reason", s(reason))))
        .orElseGet(() -> transition(cur, KeyState.PREVIOUS, trigger, now, "#retired = :now",
            Map.of("#retired", KeyTable.RETIRED_AT), Map.of()))).build()));
    Map<String, String> names = new HashMap<>(Map.of("#pending", PENDING_KID, "#current", CURRENT_KID,
        "#updated", UPDATED_AT, "#version", KeyTable.VERSION));
    Map<String, AttributeValue> values = new HashMap<>(Map.of(":kid", s(next.kid()), ":now", s(now.toString()),
        ":one", n(1)));
    markerCurrent.ifPresent(was -> values.put(":was", s(was)));
    String condition = "#pending = :kid AND "
        + (markerCurrent.isPresent() ? "#current = :was" : "attribute_not_exists(#current)");
    writes.add(TransactWriteItem.builder().update(u -> u.tableName(table).key(rowKey(MARKER_SK))
        .updateExpression("REMOVE #pending SET #current = :kid, #updated = :now ADD #version :one")
        .conditionExpression(condition)
        .expressionAttributeNames(names)
        .expressionAttributeValues(values)).build());
    transact("promote " + next.kid(), writes.toArray(TransactWriteItem[]::new));
  }

  /** {@code key} PREVIOUS → RETIRED with a TTL deletion time. */
  void retire(KeyRecord key, long expiresAt, Trigger trigger, Instant now) {
    Update update = transition(key, KeyState.RETIRED, trigger, now, "#expires = :expires",
        Map.of("#expires", KeyTable.EXPIRES_AT), Map.of(":expires", n(expiresAt)));
    try {
      dynamo.updateItem(r -> r.tableName(update.tableName()).key(update.key())
          .updateExpression(update.updateExpression())
          .conditionExpression(update.conditionExpression())
          .expressionAttributeNames(update.expressionAttributeNames())
          .expressionAttributeValues(update.expressionAttributeValues()));
    } catch (ConditionalCheckFailedException e) {
      throw new ConcurrentChangeException("retire " + key.kid() + ": changed concurrently", e);
    }
  }

  /** {@code key} (any state but REVOKED) → REVOKED; a pending NEXT also leaves the marker. */
  void revoke(KeyRecord key, String reason, boolean clearPending, Trigger trigger, Instant now) {
    List<TransactWriteItem> writes = new ArrayList<>();
    writes.add(TransactWriteItem.builder().update(transition(key, KeyState.REVOKED, trigger, now,
        "#revokedAt = :now, #reason = :reason", Map.of("#revokedAt", REVOKED_AT, "#reason", REVOKE_REASON),
        Map.of(":reason", s(reason)))).build());
    if (clearPending) {
      writes.add(clearPending(key.kid(), now));
    }
    transact("revoke " + key.kid(), writes.toArray(TransactWriteItem[]::new));
  }

  private TransactWriteItem clearPending(String kid, Instant now) {
    return TransactWriteItem.builder().update(u -> u.tableName(table).key(rowKey(MARKER_SK))
        .updateExpression("REMOVE #pending SET #updated = :now ADD #version :one")
        .conditionExpression("#pending = :kid")
        .expressionAttributeNames(Map.of("#pending", PENDING_KID, "#updated", UPDATED_AT, "#version", KeyTable.VERSION))
        .expressionAttributeValues(Map.of(":kid", s(kid), ":now", s(now.toString()), ":one", n(1)))).build();
  }

  /** A state change of one key row, conditional on the state and version it was read with. */
  private Update transition(KeyRecord key, KeyState to, Trigger trigger, Instant now, String extraSet,
                            Map<String, String> extraNames, Map<String, AttributeValue> extraValues) {
    Map<String, String> names = new HashMap<>(extraNames);
    names.put("#state", KeyTable.STATE);
    names.put("#version", KeyTable.VERSION);
    names.put("#by", CHANGED_BY);
    names.put("#changedAt", CHANGED_AT);
    Map<String, AttributeValue> values = new HashMap<>(extraValues);
    values.put(":to", s(to.name()));
    values.put(":from", s(key.state().name()));
    values.put(":v", n(key.version()));
    values.put(":v1", n(key.version() + 1));
    values.put(":by", s(trigger.toString()));
    values.put(":now", s(now.toString()));
    return Update.builder().tableName(table).key(KeyTable.key(keySet, key.kid()))
        .updateExpression("SET #state = :to, #version = :v1, #by = :by, #changedAt = :now, " + extraSet)
        .conditionExpression("#state = :from AND #version = :v")
        .expressionAttributeNames(names)
        .expressionAttributeValues(values)
        .build();
  }

  private void transact(String what, TransactWriteItem... writes) {
    try {
      dynamo.transactWriteItems(r -> r.transactItems(writes));
    } catch (TransactionCanceledException e) {
      boolean raced = e.hasCancellationReasons() && e.cancellationReasons().stream()
          .anyMatch(reason -> "ConditionalCheckFailed".equals(reason.code())
              || "TransactionConflict".equals(reason.code()));
      if (raced || !e.hasCancellationReasons()) {
        throw new ConcurrentChangeException(what + ": the key set changed concurrently", e);
      }
      throw e;
    }
  }

  private Map<String, AttributeValue> rowKey(String sortKey) {
    return Map.of(KeyTable.PK, s(KeyTable.partitionKey(keySet)), KeyTable.SK, s(sortKey));
  }

  static String periodSortKey(YearMonth period) {
    return PERIOD_PREFIX + period;
  }
}
