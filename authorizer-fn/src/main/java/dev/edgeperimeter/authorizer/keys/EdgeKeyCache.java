package dev.edgeperimeter.authorizer.keys;

import dev.edgeperimeter.authorizer.core.Reason;
import dev.edgeperimeter.authorizer.core.Rejection;
import dev.edgeperimeter.shared.crypto.Sha256;
import dev.edgeperimeter.shared.keys.KeyId;
import dev.edgeperimeter.shared.keys.KeyRecord;
import dev.edgeperimeter.shared.keys.KeyTableLayout;
import dev.edgeperimeter.shared.keys.MaterialDecrypter;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The shared key set, cached per container (contract section 1).
 *
 * <ul>
 *   <li>Loaded from the key table through {@code loader} (the shared {@code KeyStoreOverHttp});
 *       material of accepted keys decrypted once per key through {@code decryptor} (the shared
 *       {@code KmsDecryptOverHttp}, KMS) and reused across refreshes while its ciphertext is
 *       unchanged. Inactive keys are never decrypted.</li>
 *   <li>Fresh for {@code ttl}; the first request after that refreshes it (single flight: one
 *       caller refreshes, concurrent callers keep serving the cached set). So steady state makes no
 *       DynamoDB or KMS call per request, and a revocation takes effect within one TTL.</li>
 *   <li>An unknown {@code kid} triggers at most one early refresh per {@link #UNKNOWN_KID_INTERVAL}
 *       (a new {@code NEXT} key is learnt at once; a flood of random kids costs one query per
 *       interval).</li>
 *   <li>When the table or KMS is unreachable, the last good set keeps serving (each such decision
 *       flagged degraded) until it is {@code maxStaleness} old (never less than
 *       {@code ttl}); after that every lookup fails
 *       closed with {@code keys_unavailable}. A failed refresh is retried after
 *       {@link #RETRY_INTERVAL}, not on every request.</li>
 * </ul>
 *
 * Ages use the wall clock, so a SnapStart restore long after the snapshot sees the primed set as
 * expired and refreshes it.
 */
public final class EdgeKeyCache implements EdgeKeyResolver {
  /** Minimum time between two refreshes caused by unknown kids. */
  public static final Duration UNKNOWN_KID_INTERVAL = Duration.ofSeconds(10);
  /** Minimum time between two attempts after a failed refresh. */
  public static final Duration RETRY_INTERVAL = Duration.ofSeconds(5);

  private final String keySet;
  private final Supplier<List<KeyRecord>> loader;
  private final MaterialDecrypter decryptor;
  private final Clock clock;
  private final long ttlMillis;
  private final long maxStalenessMillis;
  private final Consumer<String> warnings;
  private final ReentrantLock refreshLock = new ReentrantLock();
  private final AtomicLong refreshes = new AtomicLong();
  private final AtomicLong failedRefreshes = new AtomicLong();

  private volatile Snapshot snapshot;
  private volatile long nextAttemptMillis = Long.MIN_VALUE;
  private volatile long lastUnknownKidRefreshMillis = Long.MIN_VALUE / 4;

  /**
   * @param warnings receives a one-line description of each failed refresh (no secrets)
   */
  public EdgeKeyCache(String keySet, Supplier<List<KeyRecord>> loader, MaterialDecrypter decryptor, Clock clock,
      Duration ttl, Duration maxStaleness, Consumer<String> warnings) {
    this.keySet = keySet;
    this.loader = loader;
    this.decryptor = decryptor;
    this.clock = clock;
    this.ttlMillis = ttl.toMillis();
    this.maxStalenessMillis = Math.max(maxStaleness.toMillis(), ttl.toMillis());
    this.warnings = warnings;
  }

  /** An immutable view of the key set as last loaded. */
  private record Snapshot(Map<String, Entry> byKid, long loadedAtMillis) {
  }

  /** One row: state and notAfter always; the key only for accepted, decryptable rows. */
  private record Entry(KeyRecord record, EdgeKey key, byte[] ciphertextDigest) {
  }

  @Override
  public Match resolve(String kid, long nowEpochSeconds) throws Rejection {
    long now = clock.millis();
    Snapshot s = current(now);
    Entry entry = s.byKid().get(kid);
    if (entry == null && KeyId.isValid(kid) && now - lastUnknownKidRefreshMillis >= UNKNOWN_KID_INTERVAL.toMillis()) {
      lastUnknownKidRefreshMillis = now;
      s = refresh(s, now, true);
      entry = s.byKid().get(kid);
    }
    if (entry == null) {
      throw new Rejection(Reason.UNKNOWN_KID);
    }
    if (!usable(entry.record(), nowEpochSeconds)) {
      throw new Rejection(Reason.KEY_INACTIVE);
    }
    if (entry.key() == null) {
      // accepted row whose material could not be decrypted (KMS unreachable or bad ciphertext)
      throw new Rejection(Reason.KEYS_UNAVAILABLE);
    }
    return new Match(entry.key(), now - s.loadedAtMillis() >= ttlMillis);
  }

  private Snapshot current(long now) throws Rejection {
    Snapshot s = snapshot;
    if (s == null || now - s.loadedAtMillis() >= ttlMillis) {
      s = refresh(s, now, false);
    }
    if (s == null || now - s.loadedAtMillis() > maxStalenessMillis) {
      throw new Rejection(Reason.KEYS_UNAVAILABLE);
    }
    return s;
  }

  /**
   * Loads the key set now, whatever the age of the cached one (cold start, priming); failures are
   * reported through {@code warnings} and leave the cached set in place.
   *
   * @return whether a key set is cached afterwards
   */
  public boolean refreshNow() {
    Snapshot s = refresh(snapshot, clock.millis(), true, true);
    return s != null;
  }

  /**
   * Loads the key set unless one is cached (cold-start warm-up, off the request thread; a request
   * arriving meanwhile waits for this load instead of starting its own). A failure is reported but
   * does not hold back the first request's own attempt by {@link #RETRY_INTERVAL}.
   *
   * @return whether a key set is cached afterwards
   */
  public boolean prefetch() {
    Snapshot s = snapshot;
    return s != null || refresh(null, clock.millis(), true, false) != null;
  }

  private Snapshot refresh(Snapshot seen, long now, boolean force) {
    return refresh(seen, now, force, true);
  }

  private Snapshot refresh(Snapshot seen, long now, boolean force, boolean armRetry) {
    if (seen != null) {
      if (!refreshLock.tryLock()) {
        return seen; // another caller is refreshing: serve the cached set meanwhile
      }
    } else {
      refreshLock.lock(); // nothing cached yet: wait for the one load
    }
    try {
      Snapshot latest = snapshot;
      if (latest != seen && latest != null) {
        return latest; // refreshed while we waited
      }
      if (!force && now < nextAttemptMillis) {
        return latest;
      }
      try {
        Snapshot fresh = load(latest, now);
        snapshot = fresh;
        refreshes.incrementAndGet();
        nextAttemptMillis = Long.MIN_VALUE;
        return fresh;
      } catch (RuntimeException e) {
        failedRefreshes.incrementAndGet();
        if (armRetry) {
          nextAttemptMillis = now + RETRY_INTERVAL.toMillis();
        }
        warnings.accept("key set refresh failed (" + e.getClass().getSimpleName() + "): " + safeMessage(e)
            + (latest == null ? "; no key set cached" : "; serving the key set loaded "
            + (now - latest.loadedAtMillis()) / 1000 + " s ago"));
        return latest;
      }
    } finally {
      refreshLock.unlock();
    }
  }

  private Snapshot load(Snapshot previous, long now) {
    List<KeyRecord> records = loader.get();
    Map<String, Entry> byKid = new HashMap<>(records.size() * 2);
    long epochSeconds = now / 1000;
    for (KeyRecord r : records) {
      byte[] digest = Sha256.digest(r.encryptedMaterial());
      EdgeKey key = null;
      if (usable(r, epochSeconds)) {
        Entry old = previous == null ? null : previous.byKid().get(r.kid());
        if (old != null && old.key() != null && MessageDigest.isEqual(old.ciphertextDigest(), digest)) {
          key = old.key(); // same ciphertext: same material, no new decryption
        } else {
          key = decrypt(r);
        }
      }
      byKid.put(r.kid(), new Entry(r, key, digest));
    }
    return new Snapshot(Map.copyOf(byKid), now);
  }

  /** A row the origin accepts now (state, {@code notAfter}) for the one algorithm of contract v1. */
  private static boolean usable(KeyRecord r, long nowEpochSeconds) {
    return r.acceptedAt(nowEpochSeconds) && KeyTableLayout.ALG_HS256.equals(r.alg());
  }

  private EdgeKey decrypt(KeyRecord r) {
    try {
      byte[] material = decryptor.decrypt(keySet, r.kid(), r.encryptedMaterial());
      if (material.length != 32) {
        warnings.accept("key " + r.kid() + " material is " + material.length + " bytes, expected 32; key not used");
        return null;
      }
      return EdgeKey.of(r.kid(), material);
    } catch (RuntimeException e) {
      warnings.accept("key " + r.kid() + " could not be decrypted (" + e.getClass().getSimpleName() + "): "
          + safeMessage(e) + "; retried at the next refresh");
      return null;
    }
  }
  private static String safeMessage(Throwable e) {
    String m = e.getMessage();
    if (m == null) {
      return "";
    }
    return m.length() > 300 ? m.substring(0, 300) + "..." : m;
  }

  /** Successful loads so far. */
  public long refreshCount() {
    return refreshes.get();
  }

  /** Failed loads so far. */
  public long failedRefreshCount() {
    return failedRefreshes.get();
  }

  /** Number of cached rows (any state); 0 before the first load. */
  public int size() {
    Snapshot s = snapshot;
    return s == null ? 0 : s.byKid().size();
  }
}
