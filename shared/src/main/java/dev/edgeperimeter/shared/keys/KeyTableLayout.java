package dev.edgeperimeter.shared.keys;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The key table's layout (contract section 1) without any AWS client types: attribute names, key
 * format and the one mapping from an item to a {@link KeyRecord}. {@link KeyTable} applies it to
 * SDK items.
 */
public final class KeyTableLayout {
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
  public static final String SORT_KEY_PREFIX = "KEY#";
  public static final String DEFAULT_KEY_SET = "edge-origin";
  public static final String ALG_HS256 = "HS256";

  /** One item's attributes as the mapping reads them: the value, or {@code null} when absent or of another type. */
  public interface ItemView {
    String s(String name);

    String n(String name);

    byte[] b(String name);
  }

  private KeyTableLayout() {
  }

  public static String partitionKey(String keySet) {
    return "KEYSET#" + keySet;
  }

  public static String sortKey(String kid) {
    return SORT_KEY_PREFIX + kid;
  }

  /** The KMS encryption context of a row's material, so a ciphertext copied to another row or set does not decrypt. */
  public static Map<String, String> encryptionContext(String keySet, String kid) {
    return Map.of("keyset", keySet, "kid", kid);
  }

  /**
   * Maps an item; returns empty for an item that is not a well-formed key row (such rows are
   * ignored rather than trusted).
   */
  public static Optional<KeyRecord> fromItem(String keySet, ItemView item) {
    try {
      String kid = item.s(KID);
      if (!KeyId.isValid(kid) || !sortKey(kid).equals(item.s(SK))) {
        return Optional.empty();
      }
      byte[] material = item.b(MATERIAL);
      if (material == null) {
        return Optional.empty();
      }
      String expiresAt = item.n(EXPIRES_AT);
      return Optional.of(new KeyRecord(
          keySet,
          kid,
          item.s(ALG),
          KeyState.parse(item.s(STATE)),
          material,
          Instant.parse(item.s(CREATED_AT)),
          instant(item.s(ACTIVATED_AT)),
          instant(item.s(RETIRED_AT)),
          Long.parseLong(item.n(NOT_AFTER)),
          expiresAt == null ? Optional.empty() : Optional.of(Long.parseLong(expiresAt)),
          Long.parseLong(item.n(VERSION))));
    } catch (RuntimeException malformed) {
      return Optional.empty();
    }
  }

  private static Optional<Instant> instant(String value) {
    return value == null ? Optional.empty() : Optional.of(Instant.parse(value));
  }
}
