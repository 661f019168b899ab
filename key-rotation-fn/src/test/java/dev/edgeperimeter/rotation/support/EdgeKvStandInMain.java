package dev.edgeperimeter.rotation.support;

import dev.edgeperimeter.shared.crypto.Base64Url;
import java.security.SecureRandom;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the {@link EdgeKvStandIn} until killed, for a local stack:
 * {@code java -cp <test classpath> dev.edgeperimeter.rotation.support.EdgeKvStandInMain [port] [wrappingKey]}.
 * It prints the publish-secret JSON to store under {@code EDGE_PUBLISH_SECRET_ID}.
 */
public final class EdgeKvStandInMain {
  private EdgeKvStandInMain() {
  }

  public static void main(String[] args) throws InterruptedException {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 8089;
    String wrappingKey;
    if (args.length > 1) {
      wrappingKey = args[1];
    } else {
      byte[] key = new byte[32];
      new SecureRandom().nextBytes(key);
      wrappingKey = Base64Url.encode(key);
    }
    EdgeKvStandIn standIn = new EdgeKvStandIn(port);
    Runtime.getRuntime().addShutdownHook(new Thread(standIn::close));
    System.out.println("EdgeKV stand-in listening on " + standIn.host());
    System.out.println("publish secret: " + standIn.secretJson(wrappingKey));
    new CountDownLatch(1).await();
  }
}
