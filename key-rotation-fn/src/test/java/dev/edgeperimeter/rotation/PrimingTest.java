package dev.edgeperimeter.rotation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgeperimeter.shared.config.Env;
import dev.edgeperimeter.rotation.support.RotationFixture;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.SecureRandomSpi;
import java.security.Security;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * SnapStart priming ({@code org.crac} {@code beforeCheckpoint}): it warms the no-network paths and
 * captures nothing that must differ per restored instance: no connection is opened (every AWS
 * endpoint points at a tripwire socket), and no {@code SecureRandom} is created or drawn from (a
 * counting provider is installed first in the provider list while priming runs).
 */
class PrimingTest {
  private ServerSocket tripwire;
  private final AtomicInteger connections = new AtomicInteger();
  private Thread acceptor;

  /** Counts every SecureRandom created through the default constructor or getInstance, and every draw. */
  public static final class CountingRandom extends SecureRandomSpi {
    static final AtomicInteger CREATED = new AtomicInteger();
    static final AtomicInteger DRAWS = new AtomicInteger();

    public CountingRandom() {
      CREATED.incrementAndGet();
    }

    @Override
    protected void engineSetSeed(byte[] seed) {
    }

    @Override
    protected void engineNextBytes(byte[] bytes) {
      DRAWS.incrementAndGet();
      new java.util.Random().nextBytes(bytes);
    }

    @Override
    protected byte[] engineGenerateSeed(int numBytes) {
      DRAWS.incrementAndGet();
      return new byte[numBytes];
    }
  }

  private static final class CountingProvider extends Provider {
    CountingProvider() {
      super("PrimingTestCountingRandom", "1.0", "counts SecureRandom use during priming");
      putService(new Service(this, "SecureRandom", "CountingPRNG", CountingRandom.class.getName(), null, null));
    }
  }

  @BeforeEach
  void startTripwire() throws IOException {
    tripwire = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    acceptor = new Thread(() -> {
      while (!tripwire.isClosed()) {
        try (Socket ignored = tripwire.accept()) {
          connections.incrementAndGet();
        } catch (IOException closed) {
          return;
        }
      }
    });
    acceptor.setDaemon(true);
    acceptor.start();
    RotationFixture.useMotoCredentials();
  }

  @AfterEach
  void stopTripwire() throws Exception {
    tripwire.close();
    acceptor.join(2000);
  }

  private KeyRotationHandler handler() {
    String endpoint = "http://127.0.0.1:" + tripwire.getLocalPort();
    return new KeyRotationHandler(Env.of(Map.of(
        "AWS_REGION", "us-east-1",
        "AWS_ENDPOINT_URL", endpoint,
        "POWERTOOLS_SERVICE_NAME", "key-rotation",
        "KEY_TABLE_NAME", "keys",
        "KMS_KEY_ID", "arn:aws:kms:us-east-1:000000000000:key/priming",
        "EDGE_PUBLISHER", "edgekv",
        "EDGE_PUBLISH_SECRET_ID", "edge-publish")), Clock.systemUTC());
  }

  @Test
  @DisplayName("beforeCheckpoint warms command parsing, results, EdgeKV JSON and the AWS model classes")
  void primesEveryStep() {
    KeyRotationHandler handler = handler();
    handler.priming().beforeCheckpoint(null);
    assertThat(handler.priming().lastRun()).containsExactly("commands", "results", "edge-json", "aws-models");
  }

  @Test
  @DisplayName("priming opens no connection and creates or draws from no SecureRandom")
  void primingCapturesNothingInstanceSpecific() {
    KeyRotationHandler handler = handler();
    CountingRandom.CREATED.set(0);
    CountingRandom.DRAWS.set(0);
    Security.insertProviderAt(new CountingProvider(), 1);
    try {
      assertThat(new SecureRandom().getAlgorithm()).as("the counting provider is the default")
          .isEqualTo("CountingPRNG");
      CountingRandom.CREATED.set(0);

      assertThat(handler.priming().prime()).hasSize(4);

      assertThat(CountingRandom.CREATED.get()).as("SecureRandom instances created while priming").isZero();
      assertThat(CountingRandom.DRAWS.get()).as("random draws while priming").isZero();
    } finally {
      Security.removeProvider("PrimingTestCountingRandom");
    }
    assertThat(connections.get()).as("connections to the AWS endpoint while priming").isZero();
  }

  @Test
  @DisplayName("the tripwire does count connections (the check above can fail)")
  void tripwireWorks() throws Exception {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), tripwire.getLocalPort())) {
      assertThat(s.isConnected()).isTrue();
    }
    long deadline = System.nanoTime() + 2_000_000_000L;
    while (connections.get() == 0 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(connections.get()).isEqualTo(1);
  }
}
