package dev.edgeperimeter.authorizer.keys;

import dev.edgeperimeter.authorizer.core.Reason;
import dev.edgeperimeter.authorizer.core.Rejection;
import dev.edgeperimeter.shared.crypto.Sha256;
import dev.edgeperimeter.shared.keys.KeyId;
import dev.edgeperimeter.shared.keys.KeyRecord;
import dev.edgeperimeter.shared.keys.KeySetSource;
import dev.edgeperimeter.shared.keys.KeyTableLayout;
import dev.edgeperimeter.shared.keys.MaterialDecrypter;
import dev.edgeperimeter.shared.time.Deadline;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The shared key set, cached per container (contract section 1) in a {@link RefreshingValue}.
 *
 * <ul>
 *   <li>Loaded from the key table ({@link KeySetSource}: the shared SDK {@code KeyStore}); the
 *       material of accepted keys decrypted once per key ({@link MaterialDecrypter}: KMS) and reused
 *       across refreshes while its ciphertext is unchanged. Inactive keys are never decrypted. The
 *       query and every decrypt of one refresh share one deadline.</li>
 *   <li>Fresh for the key-cache TTL, so steady state makes no DynamoDB or KMS call per request, and a
 *       key the table marks {@code REVOKED} is refused within one TTL.</li>
 *   <li>When the table or KMS cannot be read, by default nothing is served past the TTL: requests
 *       fail closed with {@code keys_unavailable}, so revocation holds during an outage too. Serving
 *       the last good set longer ({@code KEY_STALE_SERVING_SECONDS}) is an opt-in; each such
 *       decision is flagged degraded.</li>
 *   <li>An unknown {@code kid} triggers at most one early refresh per {@link #UNKNOWN_KID_INTERVAL}
 *       (a new {@code NEXT} key is learnt at once; a flood of random kids costs one query per
 *       interval).</li>
 * </ul>
 */
public final class EdgeKeyCache implements EdgeKeyResolver {
  /** Minimum time between two refreshes caused by unknown kids. */
  public static final Duration UNKNOWN_KID_INTERVAL = Duration.ofSeconds(10);
  /** Minimum time between two attempts after a failed refresh. */
  public static final Duration RETRY_INTERVAL = Duration.ofSeconds(5);

  private final String keySet;
  private final KeySetSource rows;
  private final MaterialDecrypter decrypter;
  private final Clock clock;
  private final Consumer<String> warnings;
  private final RefreshingValue<Map<String, Entry>> cache;

  /** One row: the record always; the key only for accepted, decryptable rows. */
  private record Entry(KeyRecord record, EdgeKey key, byte[] ciphertextDigest) {
  }

  /**
   * @param ttl          the key-cache TTL ({@code KEY_CACHE_TTL_SECONDS})
   * @param staleServing how long past the TTL a key set may serve while its source fails (0: never)
   * @param loadBudget   the deadline of one refresh, query and decrypts together
   * @param warnings     receives one line per failed refresh or undecryptable key (no secrets)
   */
  public EdgeKeyCache(String keySet, KeySetSource rows, MaterialDecrypter decrypter, Clock clock, Duration ttl,
      Duration staleServing, Duration loadBudget, Consumer<String> warnings) {
    this.keySet = keySet;
    this.rows = rows;
    this.decrypter = decrypter;
    this.clock = clock;
    this.warnings = warnings;
    this.cache = new RefreshingValue<>("key set", this::load, clock,
        new RefreshingValue.Timing(ttl, staleServing, RETRY_INTERVAL, UNKNOWN_KID_INTERVAL, loadBudget), warnings);
  }

  @Override
  public Match resolve(String kid, long nowEpochSeconds) throws Rejection {
    Optional<RefreshingValue.Read<Map<String, Entry>>> read = cache.get();
    Entry entry = read.map(r -> r.value().get(kid)).orElse(null);
    if (entry == null && read.isPresent() && KeyId.isValid(kid)) {
      Optional<RefreshingValue.Read<Map<String, Entry>>> early = cache.refreshEarly();
      if (early.isPresent()) {
        read = early;
        entry = early.get().value().get(kid);
      }
    }
    if (read.isEmpty()) {
      throw new Rejection(Reason.KEYS_UNAVAILABLE);
    }
    if (entry == null) {
      throw new Rejection(Reason.UNKNOWN_KID);
    }
    if (!usable(entry.record(), nowEpochSeconds)) {
      throw new Rejection(Reason.KEY_INACTIVE);
    }
    if (entry.key() == null) {
      // an accepted row whose material could not be decrypted (KMS unreachable or bad ciphertext)
      throw new Rejection(Reason.KEYS_UNAVAILABLE);
    }
    return new Match(entry.key(), read.get().degraded());
  }

  /**
   * The kids of the key set, read as a request reads it (loaded only when none is cached or the
   * cached one has expired); none when the key set cannot be read. SnapStart priming resolves each.
   */
  public Set<String> kids() {
    return cache.get().map(r -> r.value().keySet()).orElse(Set.of());
  }

  /** Loads the key set now (SnapStart priming); failures are reported. Whether a key set is cached. */
  public boolean refreshNow() {
    return cache.refreshNow();
  }

  private Map<String, Entry> load(Map<String, Entry> previous, Deadline deadline) {
    List<KeyRecord> records = rows.load(keySet, deadline);
    Map<String, Entry> byKid = new HashMap<>(records.size() * 2);
    long epochSeconds = clock.millis() / 1000;
    for (KeyRecord r : records) {
      byte[] digest = Sha256.digest(r.encryptedMaterial());
      EdgeKey key = null;
      if (usable(r, epochSeconds)) {
        Entry old = previous == null ? null : previous.get(r.kid());
        if (old != null && old.key() != null && MessageDigest.isEqual(old.ciphertextDigest(), digest)) {
          key = old.key(); // same ciphertext: same material, no new decryption
        } else {
          key = decrypt(r, deadline);
        }
      }
      byKid.put(r.kid(), new Entry(r, key, digest));
    }
    return Map.copyOf(byKid);
  }

  /** A row the origin accepts now (state, {@code notAfter}) for the one algorithm of contract v1. */
  private static boolean usable(KeyRecord r, long nowEpochSeconds) {
    return r.acceptedAt(nowEpochSeconds) && KeyTableLayout.ALG_HS256.equals(r.alg());
  }

  private EdgeKey decrypt(KeyRecord r, Deadline deadline) {
    try {
      byte[] material = decrypter.decrypt(keySet, r.kid(), r.encryptedMaterial(), deadline);
      if (material.length != 32) {
        warnings.accept("key " + r.kid() + " material is " + material.length + " bytes, expected 32; key not used");
        return null;
      }
      return EdgeKey.of(r.kid(), material);
    } catch (Deadline.DeadlineExceededException e) {
      throw e; // the refresh is over: keep the cached set rather than one with keys missing
    } catch (RuntimeException e) {
      warnings.accept("key " + r.kid() + " could not be decrypted (" + e.getClass().getSimpleName() + "): "
          + RefreshingValue.firstLine(e) + "; retried at the next refresh");
      return null;
    }
  }
}
