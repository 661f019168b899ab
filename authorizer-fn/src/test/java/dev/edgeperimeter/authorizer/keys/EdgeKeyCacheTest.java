package dev.edgeperimeter.authorizer.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgeperimeter.authorizer.core.Reason;
import dev.edgeperimeter.authorizer.core.Rejection;
import dev.edgeperimeter.authorizer.support.Minter;
import dev.edgeperimeter.shared.keys.KeyRecord;
import dev.edgeperimeter.shared.keys.KeyState;
import dev.edgeperimeter.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Key cache: TTL, single-flight refresh")
class EdgeKeyCacheTest {
  private static final long NOW = Minter.NOW;
  private static final Duration TTL = Duration.ofSeconds(60);
  private static final Duration BUDGET = Duration.ofMillis(2500);

  private static KeyRecord record(String kid, KeyState state) {
    return new KeyRecord("edge-origin", kid, "HS256", state, Minter.key(kid), Instant.ofEpochSecond(NOW), Optional.empty(),
        Optional.empty(), NOW + 86_400, Optional.empty(), 1);
  }

  /** A cache of the {@code edge-origin} set over {@code loader} as configured by default: 60 s TTL, no stale serving. */
  private static EdgeKeyCache cache(MutableClock clock, Supplier<List<KeyRecord>> loader) {
    return new EdgeKeyCache("edge-origin", (set, deadline) -> loader.get(), (set, kid, blob, deadline) -> blob.clone(),
        clock, TTL, Duration.ZERO, BUDGET, w -> { });
  }

  /** Keeps a load in progress until {@code release} (at most 10 s). */
  private static void hold(CountDownLatch release) {
    try {
      release.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Resolves {@code kid} on another thread. */
  private static CompletableFuture<EdgeKeyResolver.Match> resolveAsync(EdgeKeyCache cache, String kid) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return cache.resolve(kid, NOW);
      } catch (Rejection r) {
        throw new IllegalStateException(r);
      }
    });
  }

  @Test
  void oneRefreshRunsWhileOtherCallersServeTheCachedSet() throws Exception {
    MutableClock clock = MutableClock.at(NOW);
    AtomicInteger loads = new AtomicInteger();
    CountDownLatch inLoader = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    EdgeKeyCache cache = cache(clock, () -> {
      if (loads.incrementAndGet() == 2) {
        inLoader.countDown();
        hold(release);
      }
      return List.of(record("k1", KeyState.CURRENT));
    });

    assertThat(cache.resolve("k1", NOW).key().kid()).isEqualTo("k1");
    clock.advance(Duration.ofSeconds(61));
    CompletableFuture<EdgeKeyResolver.Match> refreshing = resolveAsync(cache, "k1");
    assertThat(inLoader.await(10, TimeUnit.SECONDS)).isTrue();
    // a concurrent caller does not wait for the refresh: it is served from the (expired) cached set
    EdgeKeyResolver.Match concurrent = cache.resolve("k1", NOW);
    assertThat(concurrent.key().kid()).isEqualTo("k1");
    assertThat(loads.get()).isEqualTo(2);
    release.countDown();
    assertThat(refreshing.get(10, TimeUnit.SECONDS).degraded()).isFalse();
    assertThat(loads.get()).isEqualTo(2);
  }

  @Test
  void materialThatIsNot32BytesIsNeverUsed() {
    MutableClock clock = MutableClock.at(NOW);
    EdgeKeyCache cache = new EdgeKeyCache("edge-origin", (set, deadline) -> List.of(record("k1", KeyState.CURRENT)),
        (set, kid, blob, deadline) -> new byte[16], clock, TTL, Duration.ZERO, BUDGET, w -> { });
    assertThatThrownBy(() -> cache.resolve("k1", NOW)).isInstanceOf(Rejection.class)
        .satisfies(e -> assertThat(((Rejection) e).reason()).isEqualTo(Reason.KEYS_UNAVAILABLE));
  }

  @Test
  void aRowWithAnotherAlgIsInactive() {
    MutableClock clock = MutableClock.at(NOW);
    KeyRecord hs512 = new KeyRecord("edge-origin", "k1", "HS512", KeyState.CURRENT, Minter.key("k1"),
        Instant.ofEpochSecond(NOW), Optional.empty(), Optional.empty(), NOW + 86_400, Optional.empty(), 1);
    EdgeKeyCache cache = cache(clock, () -> List.of(hs512));
    assertThatThrownBy(() -> cache.resolve("k1", NOW)).isInstanceOf(Rejection.class)
        .satisfies(e -> assertThat(((Rejection) e).reason()).isEqualTo(Reason.KEY_INACTIVE));
  }

  @Test
  void aRequestArrivingDuringThePrimingRefreshWaitsForItInsteadOfLoadingAgain() throws Exception {
    MutableClock clock = MutableClock.at(NOW);
    AtomicInteger loads = new AtomicInteger();
    CountDownLatch inLoader = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    EdgeKeyCache cache = cache(clock, () -> {
      loads.incrementAndGet();
      inLoader.countDown();
      hold(release);
      return List.of(record("k1", KeyState.CURRENT));
    });

    CompletableFuture<Boolean> prefetch = CompletableFuture.supplyAsync(cache::refreshNow);
    assertThat(inLoader.await(10, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<EdgeKeyResolver.Match> request = resolveAsync(cache, "k1");
    release.countDown();
    assertThat(prefetch.get(10, TimeUnit.SECONDS)).isTrue();
    assertThat(request.get(10, TimeUnit.SECONDS).key().kid()).isEqualTo("k1");
    assertThat(loads.get()).isEqualTo(1);
  }

  @Test
  void aFailedPrimingRefreshIsRetriedByTheFirstRequestAfterTheRetryInterval() throws Exception {
    MutableClock clock = MutableClock.at(NOW);
    AtomicInteger loads = new AtomicInteger();
    EdgeKeyCache cache = cache(clock, () -> {
      if (loads.incrementAndGet() == 1) {
        throw new IllegalStateException("table unreachable");
      }
      return List.of(record("k1", KeyState.CURRENT));
    });

    assertThat(cache.refreshNow()).isFalse();
    // a SnapStart restore comes long after the snapshot: the first request loads
    clock.advance(EdgeKeyCache.RETRY_INTERVAL);
    assertThat(cache.resolve("k1", NOW).key().kid()).isEqualTo("k1");
    assertThat(loads.get()).isEqualTo(2);
  }

  @Test
  void aFailedRefreshIsRetriedAfterTheRetryIntervalNotOnEveryRequest() {
    MutableClock clock = MutableClock.at(NOW);
    AtomicInteger loads = new AtomicInteger();
    EdgeKeyCache cache = cache(clock, () -> {
      loads.incrementAndGet();
      throw new IllegalStateException("table unreachable");
    });
    assertThatThrownBy(() -> cache.resolve("k1", NOW)).isInstanceOf(Rejection.class)
        .satisfies(e -> assertThat(((Rejection) e).reason()).isEqualTo(Reason.KEYS_UNAVAILABLE));
    int afterFirst = loads.get();
    for (int i = 0; i < 20; i++) {
      assertThatThrownBy(() -> cache.resolve("k1", NOW)).isInstanceOf(Rejection.class)
          .satisfies(e -> assertThat(((Rejection) e).reason()).isEqualTo(Reason.KEYS_UNAVAILABLE));
    }
    assertThat(loads.get()).as("no new attempt within the retry interval").isEqualTo(afterFirst);
    clock.advance(EdgeKeyCache.RETRY_INTERVAL);
    assertThatThrownBy(() -> cache.resolve("k1", NOW)).isInstanceOf(Rejection.class);
    assertThat(loads.get()).isEqualTo(afterFirst + 1);
  }
}
