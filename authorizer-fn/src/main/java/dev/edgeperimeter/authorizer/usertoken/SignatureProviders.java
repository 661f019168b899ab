package dev.edgeperimeter.authorizer.usertoken;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import java.security.Provider;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Which JCA provider verifies user-token signatures ({@code SIGNATURE_PROVIDER}).
 *
 * <p>The JDK verifies an RS256 signature in about 26 µs here; the Amazon Corretto Crypto Provider
 * (ACCP, AWS-LC through JNI) in about 13 µs, and ES256 about ten times faster. ACCP is a native
 * library, though: loading it costs about 200 ms of CPU, which a cold start must not pay before its
 * first answer. So it is loaded off the request path - before a SnapStart snapshot (priming), or on
 * a background thread after the first response of a cold start without one - and until it is
 * ready, or wherever it cannot load (another CPU architecture, a missing jar, a failed self-test),
 * the JDK verifies. Either way the verdict is the same; only the speed differs.
 *
 * <p>ACCP is never installed as a JVM-wide provider: it is asked for by name for signature
 * verification only, so no randomness, key generation or TLS ever comes from it.
 */
public final class SignatureProviders {
  private static final AtomicBoolean STARTED = new AtomicBoolean();
  private static volatile Provider accelerated;
  private static volatile String status = "JDK (ACCP not loaded)";

  private SignatureProviders() {
  }

  /** The provider to verify with now: ACCP once loaded, {@code null} for the JDK's default providers. */
  static Provider current() {
    return accelerated;
  }

  /** ACCP when loaded, else {@code null} (priming and benchmarks name it explicitly). */
  public static Provider accelerated() {
    return accelerated;
  }

  /** A line for the logs: which provider verifies, and why not ACCP when it does not. */
  public static String status() {
    return status;
  }

  /**
   * Loads ACCP on this thread (priming before a snapshot; benchmarks), once.
   *
   * @return whether ACCP verifies from now on
   */
  public static synchronized boolean loadNow() {
    if (accelerated != null) {
      return true;
    }
    try {
      Provider provider = Accp.healthyInstance();
      accelerated = provider;
      status = "ACCP " + provider.getVersionStr();
      return true;
    } catch (Exception | LinkageError e) {
      status = "JDK (ACCP unavailable: " + e + ")";
      return false;
    }
  }

  /**
   * The only code that names ACCP's classes: kept apart so that loading and verifying this class
   * (on the first token check) never opens ACCP's jar.
   */
  private static final class Accp {
    static Provider healthyInstance() {
      AmazonCorrettoCryptoProvider provider = AmazonCorrettoCryptoProvider.INSTANCE;
      Throwable loadingError = provider.getLoadingError();
      if (loadingError != null) {
        throw new IllegalStateException(loadingError.toString(), loadingError);
      }
      provider.assertHealthy();
      return provider;
    }
  }

  /**
   * Starts loading ACCP on a low-priority daemon thread, once per JVM, and reports the outcome to
   * {@code log}; returns at once.
   */
  public static void loadInBackground(Consumer<String> log) {
    if (!STARTED.compareAndSet(false, true)) {
      return;
    }
    Thread thread = new Thread(new Runnable() {
      @Override
      public void run() {
        loadNow();
        log.accept("user-token signatures verified by " + status);
      }
    }, "authorizer-signature-provider");
    thread.setDaemon(true);
    thread.setPriority(Thread.MIN_PRIORITY);
    thread.start();
  }
}
