package dev.edgeperimeter.shared.keys;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The key table (contract section 1) in AWS SDK terms: items for the writers (key rotation) and
 * the SDK readers; the layout itself and the item mapping live in {@link KeyTableLayout}.
 */
public final class KeyTable {
  public static final String PK = KeyTableLayout.PK;
  public static final String SK = KeyTableLayout.SK;
  public static final String KID = KeyTableLayout.KID;
  public static final String ALG = KeyTableLayout.ALG;
  public static final String STATE = KeyTableLayout.STATE;
  public static final String MATERIAL = KeyTableLayout.MATERIAL;
  public static final String CREATED_AT = KeyTableLayout.CREATED_AT;
  public static final String ACTIVATED_AT = KeyTableLayout.ACTIVATED_AT;
  public static final String RETIRED_AT = KeyTableLayout.RETIRED_AT;
  public static final String NOT_AFTER = KeyTableLayout.NOT_AFTER;
  public static final String EXPIRES_AT = KeyTableLayout.EXPIRES_AT;
  public static final String VERSION = KeyTableLayout.VERSION;

  public static final String DEFAULT_KEY_SET = KeyTableLayout.DEFAULT_KEY_SET;
  public static final String ALG_HS256 = KeyTableLayout.ALG_HS256;

  private KeyTable() {
  }

  public static String partitionKey(String keySet) {
    return KeyTableLayout.partitionKey(keySet);
  }

  public static String sortKey(String kid) {
    return KeyTableLayout.sortKey(kid);
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

  /** Maps an SDK item back (see {@link KeyTableLayout#fromItem}). */
  public static Optional<KeyRecord> fromItem(String keySet, Map<String, AttributeValue> item) {
    return KeyTableLayout.fromItem(keySet, new KeyTableLayout.ItemView() {
      @Override
      public String s(String name) {
        AttributeValue v = item.get(name);
        return v == null ? null : v.s();
      }

      @Override
      public String n(String name) {
        AttributeValue v = item.get(name);
        return v == null ? null : v.n();
      }

      @Override
      public byte[] b(String name) {
        AttributeValue v = item.get(name);
        return v == null || v.b() == null ? null : v.b().asByteArray();
      }
    });
  }

  public static AttributeValue s(String value) {
    return AttributeValue.fromS(value);
  }

  public static AttributeValue n(long value) {
    return AttributeValue.fromN(Long.toString(value));
  }
}
