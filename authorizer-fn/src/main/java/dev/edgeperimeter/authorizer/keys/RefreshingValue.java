package dev.edgeperimeter.authorizer.keys;

import dev.edgeperimeter.shared.time.Deadline;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * A value loaded from a remote source and kept for a time to live: the authorizer's one refresh and
 * staleness mechanism (the edge key set; the JWKS has Nimbus's own).
 *
 * <ul>
 *   <li>Fresh for {@code ttl}; the first read after that reloads it. Single flight: one caller
 *       loads, concurrent callers keep reading the cached value (or, with nothing cached, wait for
 *       that one load).</li>
 *   <li>Every load has one {@link Deadline} ({@code loadBudget}) that the loader hands to each
 *       remote call, so a source that accepts connections and never answers costs at most the
 *       budget.</li>
 *   <li>When a load fails, the cached value keeps serving, flagged {@code degraded}, until it is
 *       {@code ttl + staleServing} old; after that reads fail ({@link Optional#empty()}). With
 *       {@code staleServing} zero (the default) nothing is served past its time to live. A failed
 *       load is retried after {@code retryInterval}, not on every read.</li>
 *   <li>{@link #refreshEarly()} reloads before the time to live, at most once per
 *       {@code earlyInterval} (an unknown key id may mean a key the cache has not seen yet).</li>
 * </ul>
 *
 * Ages use {@code clock} (the wall clock in Lambda), so a SnapStart restore long after the snapshot
 * finds the primed value expired and reloads it.
 *
 * @param <T> the cached value (immutable)
 */
public final class RefreshingValue<T> {
  /** Loads a new value; {@code previous} (or {@code null}) lets it reuse what did not change. */
  @FunctionalInterface
  public interface Loader<T> {
    T load(T previous, Deadline deadline);
  }

  /** A value read from the cache, and whether it was served past its time to live. */
  public record Read<T>(T value, boolean degraded) {
  }

  /** The timing of a {@link RefreshingValue}. */
  public record Timing(Duration ttl, Duration staleServing, Duration retryInterval, Duration earlyInterval,
      Duration loadBudget) {
  }

  private record Loaded<T>(T value, long atMillis) {
  }

  private final String name;
  private final Loader<T> loader;
  private final Clock clock;
  private final long ttlMillis;
  private final long maxAgeMillis;
  private final long retryMillis;
  private final long earlyMillis;
  private final Duration loadBudget;
  private final Consumer<String> warnings;
  private final ReentrantLock lock = new ReentrantLock();

  private volatile Loaded<T> loaded;
  private volatile long nextAttemptMillis = Long.MIN_VALUE;
  private volatile long lastEarlyMillis = Long.MIN_VALUE / 4;

  /**
   * @param name     what is cached, for the warnings ({@code "key set"})
   * @param warnings receives one line per failed load (no secrets)
   */
  public RefreshingValue(String name, Loader<T> loader, Clock clock, Timing timing, Consumer<String> warnings) {
    this.name = name;
    this.loader = loader;
    this.clock = clock;
    this.ttlMillis = timing.ttl().toMillis();
    this.maxAgeMillis = ttlMillis + timing.staleServing().toMillis();
    this.retryMillis = timing.retryInterval().toMillis();
    this.earlyMillis = timing.earlyInterval().toMillis();
    this.loadBudget = timing.loadBudget();
    this.warnings = warnings;
  }

  /** The current value: cached while fresh, reloaded when not; empty when nothing usable is at hand. */
  public Optional<Read<T>> get() {
    long now = clock.millis();
    Loaded<T> l = loaded;
    if (l == null || now - l.atMillis() >= ttlMillis) {
      l = load(l, now, false);
    }
    return read(l, now);
  }

  /**
   * Reloads now unless that was done within the early interval; returns the value to use either way.
   */
  public Optional<Read<T>> refreshEarly() {
    long now = clock.millis();
    Loaded<T> l = loaded;
    if (now - lastEarlyMillis >= earlyMillis) {
      lastEarlyMillis = now;
      l = load(l, now, true);
    }
    return read(l, now);
  }

  /** Loads now, whatever the age of the cached value (SnapStart priming); whether a value is cached. */
  public boolean refreshNow() {
    return load(loaded, clock.millis(), true) != null;
  }

  private Optional<Read<T>> read(Loaded<T> l, long now) {
    if (l == null || now - l.atMillis() >= maxAgeMillis) {
      return Optional.empty();
    }
    return Optional.of(new Read<>(l.value(), now - l.atMillis() >= ttlMillis));
  }

  private Loaded<T> load(Loaded<T> seen, long now, boolean force) {
    if (seen != null && now - seen.atMillis() < maxAgeMillis) {
      if (!lock.tryLock()) {
        return seen; // another caller is loading: serve the cached value meanwhile
      }
    } else {
      lock.lock(); // nothing usable cached: wait for the one load
    }
    try {
      Loaded<T> latest = loaded;
      if (latest != seen && latest != null) {
        return latest; // loaded while we waited
      }
      if (!force && now < nextAttemptMillis) {
        return latest;
      }
      try {
        Loaded<T> fresh = new Loaded<>(loader.load(latest == null ? null : latest.value(), Deadline.in(loadBudget)), now);
        loaded = fresh;
        nextAttemptMillis = Long.MIN_VALUE;
        return fresh;
      } catch (RuntimeException e) {
        nextAttemptMillis = now + retryMillis;
        warnings.accept(name + " refresh failed (" + e.getClass().getSimpleName() + "): " + firstLine(e)
            + (latest == null ? "; nothing cached" : "; the cached one was loaded " + (now - latest.atMillis()) / 1000
            + " s ago"));
        return latest;
      }
    } finally {
      lock.unlock();
    }
  }

  /** The first line of an exception's message, at most 300 characters (AWS errors may echo requests). */
  static String firstLine(Throwable e) {
    String m = e.getMessage();
    if (m == null) {
      return "";
    }
    int nl = m.indexOf('\n');
    if (nl >= 0) {
      m = m.substring(0, nl);
    }
    return m.length() > 300 ? m.substring(0, 300) + "..." : m;
  }
}
