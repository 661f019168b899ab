package dev.edgeperimeter.authorizer;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import dev.edgeperimeter.shared.aws.direct.SigV4;
import dev.edgeperimeter.shared.aws.direct.SigningCredentials;
import dev.edgeperimeter.shared.json.JsonLimits;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.Signature;
import java.time.Instant;
import java.util.Map;

/**
 * The first thing a fresh authorizer JVM does: loads, on a background thread, the code every first
 * request needs - the JSON parser and generator, the request signer, the JDK's HTTP client and the RSA verifier -
 * while the main thread reads the configuration. A cold start is single-threaded up to that point,
 * so this class loading runs on an otherwise idle core instead of later, on the critical path.
 *
 * <p>Nothing here touches the network, draws randomness or holds state: it only exercises code on
 * constant inputs, and it never fails the init (every error is swallowed).
 */
final class ColdStartPreload implements Runnable {
  private static final byte[] DOCUMENT = "{\"a\":[1,true,null,\"x\"],\"b\":{\"c\":1.5}}".getBytes(StandardCharsets.UTF_8);

  private ColdStartPreload() {
  }

  /** Starts the preload; the returned thread is a daemon and may be joined before a snapshot. */
  static Thread start() {
    Thread thread = new Thread(new ColdStartPreload(), "authorizer-warm-up-classes");
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  @Override
  public void run() {
    try {
      try (JsonParser p = JsonLimits.FACTORY.createParser(DOCUMENT)) {
        while (p.nextToken() != null) {
          p.currentName();
        }
      }
      try (JsonParser p = JsonLimits.FACTORY.createParser(new String(DOCUMENT, StandardCharsets.UTF_8))) {
        while (p.nextToken() != null) {
          p.currentName();
        }
      }
      try (JsonGenerator g = JsonLimits.FACTORY.createGenerator(new ByteArrayOutputStream(64))) {
        g.writeStartObject();
        g.writeStringField("a", "x");
        g.writeNumberField("b", 1L);
        g.writeBooleanField("c", true);
        g.writeArrayFieldStart("d");
        g.writeEndArray();
        g.writeEndObject();
      }
      SigV4.sign("POST", URI.create("https://dynamodb.us-east-1.amazonaws.com"), Map.of("X-Amz-Target", "Preload"),
          DOCUMENT, "us-east-1", "dynamodb", SigningCredentials.of("PRELOAD", "preload", null), Instant.EPOCH);
      URI.create("http://127.0.0.1/").toURL().openConnection(); // loads the HTTP client; connects nowhere
      KeyFactory.getInstance("RSA");
      Signature.getInstance("SHA256withRSA");
    } catch (Exception | LinkageError ignored) {
      // best effort: whatever was not loaded here is loaded on first use
    }
  }
}
