package dev.edgeperimeter.authorizer.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An endpoint on loopback that accepts every connection and never answers: a DynamoDB or KMS that
 * hangs. Connections are held open until {@link #close()}.
 */
public final class SilentEndpoint implements AutoCloseable {
  private final ServerSocket server;
  private final List<Socket> held = new CopyOnWriteArrayList<>();
  private final Thread acceptor;

  public SilentEndpoint() {
    try {
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    acceptor = Thread.ofPlatform().daemon().name("silent-endpoint").start(() -> {
      while (!server.isClosed()) {
        try {
          held.add(server.accept()); // read nothing, answer nothing
        } catch (IOException closed) {
          return;
        }
      }
    });
  }

  public URI uri() {
    return URI.create("http://127.0.0.1:" + server.getLocalPort());
  }

  /** Connections accepted so far. */
  public int connections() {
    return held.size();
  }

  @Override
  public void close() {
    try {
      server.close();
      for (Socket s : held) {
        s.close();
      }
      acceptor.join(1000);
    } catch (IOException e) {
      // closing: nothing to do
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
