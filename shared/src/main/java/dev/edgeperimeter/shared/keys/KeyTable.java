package dev.edgeperimeter.shared.keys;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The DynamoDB layout of the key table (contract section 1): attribute names, key format and the
 * mapping between items and {@link KeyRecord}s. Readers and writers both go through here.
 */
public final class KeyTable {
  public static final String PK = "pk";
  public static final String SK = "sk";
  public static final String KID = "kid";
  public static final String ALG = "alg";
  public static final String STATE = "state";
  public static final String MATERIAL = "material";
  public static final String CREATED_AT = "createdAt";
  public static final String ACTIVATED_AT = "activatedAt";
  public static final String RETIRED_AT = "retiredAt";
  public static final String NOT_AFTER = "notAfter";
  public static final String EXPIRES_AT = "expiresAt";
  public static final String VERSION = "version";

  public static final String DEFAULT_KEY_SET = "edge-origin";
  public static final String ALG_HS256 = "HS256";

  private KeyTable() {
  }

  public static String partitionKey(String keySet) {
    return "KEYSET#" + keySet;
  }

  public static String sortKey(String kid) {
    return "KEY#" + kid;
  }

  public static Map<String, AttributeValue> key(String keySet, String kid) {
    return Map.of(PK, s(partitionKey(keySet)), SK, s(sortKey(kid)));
  }

  public static Map<String, AttributeValue> toItem(KeyRecord r) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put(PK, s(partitionKey(r.keySet())));
    item.put(SK, s(sortKey(r.kid())));
    item.put(KID, s(r.kid()));
    item.put(ALG, s(r.alg()));
    item.put(STATE, s(r.state().name()));
    item.put(MATERIAL, AttributeValue.fromB(SdkBytes.fromByteArray(r.encryptedMaterial())));
    item.put(CREATED_AT, s(r.createdAt().toString()));
    r.activatedAt().ifPresent(t -> item.put(ACTIVATED_AT, s(t.toString())));
    r.retiredAt().ifPresent(t -> item.put(RETIRED_AT, s(t.toString())));
    item.put(NOT_AFTER, n(r.notAfter()));
    r.expiresAt().ifPresent(t -> item.put(EXPIRES_AT, n(t)));
    item.put(VERSION, n(r.version()));
    return item;
  }

  /**
   * Maps an item back; returns empty for an item that is not a well-formed key row (such rows are
   * ignored rather than trusted).
   */
  public static Optional<KeyRecord> fromItem(String keySet, Map<String, AttributeValue> item) {
    try {
      String kid = item.get(KID).s();
      if (!KeyId.isValid(kid) || !sortKey(kid).equals(item.get(SK).s())) {
        return Optional.empty();
      }
      AttributeValue material = item.get(MATERIAL);
      if (material == null || material.b() == null) {
        return Optional.empty();
      }
      return Optional.of(new KeyRecord(
          keySet,
          kid,
          item.get(ALG).s(),
          KeyState.parse(item.get(STATE).s()),
          material.b().asByteArray(),
          Instant.parse(item.get(CREATED_AT).s()),
          instant(item.get(ACTIVATED_AT)),
          instant(item.get(RETIRED_AT)),
          Long.parseLong(item.get(NOT_AFTER).n()),
          Optional.ofNullable(item.get(EXPIRES_AT)).map(v -> Long.parseLong(v.n())),
          Long.parseLong(item.get(VERSION).n())));
    } catch (RuntimeException malformed) {
      return Optional.empty();
    }
  }

  private static Optional<Instant> instant(AttributeValue v) {
    return v == null || v.s() == null ? Optional.empty() : Optional.of(Instant.parse(v.s()));
  }

  public static AttributeValue s(String value) {
    return AttributeValue.fromS(value);
  }

  public static AttributeValue n(long value) {
    return AttributeValue.fromN(Long.toString(value));
  }
}
