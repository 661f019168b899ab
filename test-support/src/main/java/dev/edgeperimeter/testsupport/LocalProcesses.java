package dev.edgeperimeter.testsupport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Helpers for the local server processes tests and local tools start (moto_server, the local edge, ...). */
public final class LocalProcesses {
  private LocalProcesses() {
  }

  /** A loopback port nothing listens on at the moment of the call. */
  public static int freeLoopbackPort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free port", e);
    }
  }

  /**
   * Stops {@code process}: asks it to terminate, and kills it when it has not exited within
   * {@code grace} (or when the waiting thread is interrupted, whose interrupt flag is kept).
   */
  public static void stop(Process process, Duration grace) {
    process.destroy();
    try {
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
