package dev.edgeperimeter.authorizer.usertoken;

import dev.edgeperimeter.authorizer.core.Reason;
import dev.edgeperimeter.authorizer.core.Rejection;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The issuer's signing keys, cached per container as JCA {@link PublicKey}s ready for
 * {@code Signature.initVerify}.
 *
 * <ul>
 *   <li>Only RSA keys of at least 2048 bits and EC P-256 keys, for signing ({@code use} absent or
 *       {@code sig}; {@code key_ops} absent or holding {@code verify}), are kept; any other key type
 *       ({@code oct}, {@code OKP}, other curves) is dropped, so a token can never be checked with a
 *       symmetric or unexpected key.</li>
 *   <li>Refreshed on the first lookup after {@code refreshAfter} (single flight; concurrent lookups
 *       keep the cached set), and early on an unknown {@code kid} at most once per
 *       {@link #UNKNOWN_KID_INTERVAL} (key rotation at the issuer).</li>
 *   <li>When the JWKS cannot be fetched, the last good set serves (flagged degraded) until it is
 *       {@code maxStaleness} old, then lookups fail closed with {@code jwks_unavailable}.</li>
 * </ul>
 */
public final class JwksCache {
  /** Minimum time between two fetches caused by unknown kids. */
  public static final Duration UNKNOWN_KID_INTERVAL = Duration.ofSeconds(10);
  /** Minimum time between two attempts after a failed fetch. */
  public static final Duration RETRY_INTERVAL = Duration.ofSeconds(5);
  /** Smallest RSA modulus accepted. */
  public static final int MIN_RSA_BITS = 2048;

  /** A usable signing key: RSA (RS256, PS256) or EC P-256 (ES256); {@code alg} when the JWK pins one. */
  public record JwkKey(String kid, String kty, PublicKey publicKey, String alg) {
  }

  /**
   * @param key      the key
   * @param degraded the JWKS was served past its refresh time because its source failed
   */
  public record Match(JwkKey key, boolean degraded) {
  }

  private record Snapshot(Map<String, JwkKey> byKid, long loadedAtMillis) {
  }

  private final JwksFetcher fetcher;
  private final Clock clock;
  private final long refreshAfterMillis;
  private final long maxStalenessMillis;
  private final Consumer<String> warnings;
  private final ReentrantLock lock = new ReentrantLock();
  private final AtomicLong fetches = new AtomicLong();
  private final AtomicLong failedFetches = new AtomicLong();
  private volatile Snapshot snapshot;
  private volatile long nextAttemptMillis = Long.MIN_VALUE;
  private volatile long lastUnknownKidFetchMillis = Long.MIN_VALUE / 4;

  public JwksCache(JwksFetcher fetcher, Clock clock, Duration refreshAfter, Duration maxStaleness,
      Consumer<String> warnings) {
    this.fetcher = fetcher;
    this.clock = clock;
    this.refreshAfterMillis = refreshAfter.toMillis();
    this.maxStalenessMillis = Math.max(maxStaleness.toMillis(), refreshAfter.toMillis());
    this.warnings = warnings;
  }

  /**
   * The signing key {@code kid}.
   *
   * @throws Rejection {@code user_token_invalid} for an unknown kid, {@code jwks_unavailable}
   *                   when no JWKS fresh enough is at hand
   */
  public Match find(String kid) throws Rejection {
    long now = clock.millis();
    Snapshot s = snapshot;
    if (s == null || now - s.loadedAtMillis() >= refreshAfterMillis) {
      s = refresh(s, now, false);
    }
    if (s == null || now - s.loadedAtMillis() > maxStalenessMillis) {
      throw new Rejection(Reason.JWKS_UNAVAILABLE);
    }
    JwkKey key = s.byKid().get(kid);
    if (key == null && now - lastUnknownKidFetchMillis >= UNKNOWN_KID_INTERVAL.toMillis()) {
      lastUnknownKidFetchMillis = now;
      s = refresh(s, now, true);
      key = s.byKid().get(kid);
    }
    if (key == null) {
      throw new Rejection(Reason.USER_TOKEN_INVALID);
    }
    return new Match(key, now - s.loadedAtMillis() >= refreshAfterMillis);
  }

  /** Fetches now (cold start, priming); failures are reported and leave the cached set. */
  public boolean refreshNow() {
    return refresh(snapshot, clock.millis(), true, true) != null;
  }

  /**
   * Fetches the JWKS unless one is cached (cold-start warm-up, off the request thread; a lookup
   * arriving meanwhile waits for this fetch). A failure is reported but does not hold back the first
   * lookup's own attempt by {@link #RETRY_INTERVAL}.
   */
  public boolean prefetch() {
    return snapshot != null || refresh(null, clock.millis(), true, false) != null;
  }

  private Snapshot refresh(Snapshot seen, long now, boolean force) {
    return refresh(seen, now, force, true);
  }

  private Snapshot refresh(Snapshot seen, long now, boolean force, boolean armRetry) {
    if (seen != null) {
      if (!lock.tryLock()) {
        return seen;
      }
    } else {
      lock.lock();
    }
    try {
      Snapshot latest = snapshot;
      if (latest != seen && latest != null) {
        return latest;
      }
      if (!force && now < nextAttemptMillis) {
        return latest;
      }
      try {
        Map<String, JwkKey> keys = parse(fetcher.fetch(), warnings);
        Snapshot fresh = new Snapshot(keys, now);
        snapshot = fresh;
        fetches.incrementAndGet();
        nextAttemptMillis = Long.MIN_VALUE;
        return fresh;
      } catch (RuntimeException e) {
        failedFetches.incrementAndGet();
        if (armRetry) {
          nextAttemptMillis = now + RETRY_INTERVAL.toMillis();
        }
        String m = e.getMessage() == null ? "" : e.getMessage();
        warnings.accept("JWKS fetch failed (" + e.getClass().getSimpleName() + "): "
            + (m.length() > 300 ? m.substring(0, 300) : m)
            + (latest == null ? "; no JWKS cached" : "; serving the JWKS fetched " + (now - latest.loadedAtMillis()) / 1000
            + " s ago"));
        return latest;
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Parses a JWKS document, keeping only acceptable signing keys.
   *
   * @throws IllegalArgumentException when the document is not a JWKS at all
   */
  public static Map<String, JwkKey> parse(String json, Consumer<String> warnings) {
    Map<String, JwkKey> keys = new HashMap<>();
    Set<String> duplicates = new HashSet<>();
    int dropped = 0;
    for (JwkKey key : JwksDocument.read(json)) {
      if (key == null) {
        dropped++;
        continue;
      }
      if (keys.putIfAbsent(key.kid(), key) != null) {
        duplicates.add(key.kid());
      }
    }
    for (String kid : duplicates) {
      keys.remove(kid); // ambiguous: never guess which one signed
    }
    if (dropped > 0 || !duplicates.isEmpty()) {
      warnings.accept("JWKS: ignored " + dropped + " unusable key(s)"
          + (duplicates.isEmpty() ? "" : " and " + duplicates.size() + " duplicated kid(s)"));
    }
    return Map.copyOf(keys);
  }

  /** Closes the fetcher's connections (before a snapshot); the cached keys stay. */
  public void releaseConnections() {
    fetcher.releaseConnections();
  }

  /** Successful fetches so far. */
  public long fetchCount() {
    return fetches.get();
  }
}
