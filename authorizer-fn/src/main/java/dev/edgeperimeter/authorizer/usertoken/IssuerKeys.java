package dev.edgeperimeter.authorizer.usertoken;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.jwk.source.URLBasedJWKSetSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jose.util.ResourceRetriever;
import java.net.MalformedURLException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The OIDC issuer's signing keys, as a Nimbus {@link JWKSource} built with {@link JWKSourceBuilder}:
 *
 * <ul>
 *   <li>fetched over https from {@code OIDC_JWKS_URL}, or from the {@code jwks_uri} of the issuer's
 *       discovery document ({@link DiscoveredJwkSetSource});</li>
 *   <li>cached for {@link #REFRESH_AFTER}; a token whose {@code kid} is not in the cached set makes
 *       Nimbus fetch again at once (the issuer rotated), rate-limited to one such fetch per
 *       {@link #UNKNOWN_KID_INTERVAL};</li>
 *   <li>outage tolerant: when a fetch fails, the last good set keeps serving until it is
 *       {@code MAX_STALENESS_SECONDS} old (never less than the cache's own {@link #REFRESH_AFTER};
 *       each decision then flagged degraded), then lookups fail closed ({@code jwks_unavailable});</li>
 *   <li>every fetch bounded: connect {@link #CONNECT_TIMEOUT}, read {@link #READ_TIMEOUT}, at most
 *       {@link #MAX_BYTES}, no retry (a first request's fetch must end well inside the function's
 *       timeout), no connection kept (none can be captured in a SnapStart snapshot).</li>
 * </ul>
 */
public final class IssuerKeys {
  /** How long a fetched JWKS is used before the next lookup refreshes it. */
  public static final Duration REFRESH_AFTER = Duration.ofMinutes(5);
  /** Minimum time between two fetches caused by unknown kids. */
  public static final Duration UNKNOWN_KID_INTERVAL = Duration.ofSeconds(10);
  public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
  public static final Duration READ_TIMEOUT = Duration.ofMillis(1500);
  /** The longest a lookup waits for another thread's fetch. */
  public static final Duration REFRESH_WAIT = Duration.ofMillis(2500);
  /** Largest JWKS or discovery document accepted. */
  public static final int MAX_BYTES = 256 * 1024;

  private final JWKSource<SecurityContext> source;
  private final Consumer<String> warnings;
  private volatile boolean servingStale;

  private IssuerKeys(JWKSetSource<SecurityContext> origin, Duration maxStaleness, Consumer<String> warnings) {
    this.warnings = warnings;
    JWKSourceBuilder<SecurityContext> builder = JWKSourceBuilder.create(new Observed(origin))
        .cache(REFRESH_AFTER.toMillis(), REFRESH_WAIT.toMillis())
        .refreshAheadCache(false)
        .rateLimited(UNKNOWN_KID_INTERVAL.toMillis())
        .retrying(false);
    // Nimbus's outage copy sits below its cache, which keeps what it returns for one more period:
    // a JWKS can be served until (outage time to live + REFRESH_AFTER) after its last good fetch.
    Duration outage = maxStaleness.minus(REFRESH_AFTER);
    if (outage.isNegative() || outage.isZero()) {
      builder.outageTolerant(false);
    } else {
      builder.outageTolerant(outage.toMillis());
    }
    this.source = builder.build();
  }

  /** The origin as seen from above: each fetch's outcome sets {@link #servingStale} and reports failures. */
  private final class Observed implements JWKSetSource<SecurityContext> {
    private final JWKSetSource<SecurityContext> origin;

    Observed(JWKSetSource<SecurityContext> origin) {
      this.origin = origin;
    }

    @Override
    public JWKSet getJWKSet(JWKSetCacheRefreshEvaluator evaluator, long currentTime, SecurityContext context)
        throws KeySourceException {
      try {
        JWKSet set = origin.getJWKSet(evaluator, currentTime, context);
        servingStale = false;
        return set;
      } catch (KeySourceException | RuntimeException e) {
        servingStale = true;
        warnings.accept("JWKS fetch failed (" + e.getClass().getSimpleName() + "): " + e.getMessage()
            + "; a cached JWKS keeps serving while it is within MAX_STALENESS_SECONDS");
        throw e;
      }
    }

    @Override
    public void close() throws java.io.IOException {
      origin.close();
    }
  }

  /**
   * The issuer's keys.
   *
   * @param issuer       {@code OIDC_ISSUER}
   * @param jwksUrl      {@code OIDC_JWKS_URL}; discovery from the issuer when empty
   * @param maxStaleness {@code MAX_STALENESS_SECONDS}
   * @param warnings     receives one line per failed fetch (no secrets)
   */
  public static IssuerKeys of(String issuer, Optional<URI> jwksUrl, Duration maxStaleness, Consumer<String> warnings) {
    ResourceRetriever retriever = new DefaultResourceRetriever((int) CONNECT_TIMEOUT.toMillis(),
        (int) READ_TIMEOUT.toMillis(), MAX_BYTES, true);
    JWKSetSource<SecurityContext> origin;
    if (jwksUrl.isPresent()) {
      try {
        origin = new URLBasedJWKSetSource<>(jwksUrl.get().toURL(), retriever);
      } catch (MalformedURLException e) {
        throw new IllegalArgumentException("OIDC_JWKS_URL is not a URL: " + jwksUrl.get(), e);
      }
    } else {
      origin = new DiscoveredJwkSetSource(issuer, retriever);
    }
    return new IssuerKeys(origin, maxStaleness, warnings);
  }

  /** Keys from any Nimbus JWKS source (tests serve a JWKS from memory this way), with the same caching. */
  public static IssuerKeys of(JWKSetSource<SecurityContext> origin, Duration maxStaleness, Consumer<String> warnings) {
    return new IssuerKeys(origin, maxStaleness, warnings);
  }

  /** A fixed key set (SnapStart priming's synthetic issuer, the benchmarks), with the same caching. */
  public static IssuerKeys of(JWKSet keys, Duration maxStaleness, Consumer<String> warnings) {
    return of(new JWKSetSource<>() {
      @Override
      public JWKSet getJWKSet(JWKSetCacheRefreshEvaluator evaluator, long currentTime, SecurityContext context) {
        return keys;
      }

      @Override
      public void close() {
      }
    }, maxStaleness, warnings);
  }

  /** The JWKs {@code matcher} selects. */
  List<JWK> select(JWKMatcher matcher) throws KeySourceException {
    return source.get(new JWKSelector(matcher), null);
  }

  /** Whether lookups are being served from a JWKS kept past its time to live because fetches fail. */
  boolean servingStale() {
    return servingStale;
  }

  /** Fetches the JWKS unless a fresh one is cached (SnapStart priming); whether keys are at hand. */
  public boolean fetch() {
    try {
      return !select(new JWKMatcher.Builder().build()).isEmpty();
    } catch (KeySourceException e) {
      return false;
    }
  }
}
