package dev.edgeperimeter.local.page;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.edgeperimeter.shared.keys.KeyRecord;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The local page ({@code GET /_local/page}): plain HTML and one small script, no build step. The
 * script polls {@code GET /_local/page/data}: the {@link PerimeterTimeline} view plus the current
 * key set (kid, state and dates only: the material never leaves DynamoDB here) and its last
 * rotation (the newest activation).
 */
public final class PerimeterPage implements HttpHandler {
  /** Context path on the admin server. */
  public static final String PATH = "/_local/page";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final PerimeterTimeline timeline;
  private final Supplier<List<KeyRecord>> keys;
  private final String keySet;

  public PerimeterPage(PerimeterTimeline timeline, Supplier<List<KeyRecord>> keys, String keySet) {
    this.timeline = timeline;
    this.keys = keys;
    this.keySet = keySet;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    try (exchange) {
      if (!"GET".equals(exchange.getRequestMethod())) {
        send(exchange, 405, "text/plain; charset=utf-8", "GET only\n".getBytes(StandardCharsets.UTF_8));
        return;
      }
      switch (path) {
        case PATH, PATH + "/" -> send(exchange, 200, "text/html; charset=utf-8", resource("perimeter.html"));
        case PATH + "/page.js" -> send(exchange, 200, "text/javascript; charset=utf-8", resource("page.js"));
        case PATH + "/page.css" -> send(exchange, 200, "text/css; charset=utf-8", resource("page.css"));
        case PATH + "/data" -> send(exchange, 200, "application/json",
            JSON.writeValueAsBytes(data()));
        default -> send(exchange, 404, "text/plain; charset=utf-8", "not found\n".getBytes(StandardCharsets.UTF_8));
      }
    } catch (RuntimeException e) {
      send(exchange, 500, "application/json", JSON.writeValueAsBytes(
          JSON.createObjectNode().put("error", String.valueOf(e.getMessage()))));
    }
  }

  /** The page's data: the timeline view and the key set. */
  public ObjectNode data() {
    ObjectNode out = timeline.snapshot();
    out.set("keys", keySet(keys.get()));
    return out;
  }

  private ObjectNode keySet(List<KeyRecord> records) {
    ObjectNode o = JSON.createObjectNode();
    o.put("keySet", keySet);
    ArrayNode items = o.putArray("items");
    records.stream().sorted(Comparator.comparing(KeyRecord::createdAt).reversed()).forEach(k -> {
      ObjectNode item = items.addObject();
      item.put("kid", k.kid());
      item.put("state", k.state().name());
      item.put("createdAt", k.createdAt().toString());
      k.activatedAt().ifPresent(a -> item.put("activatedAt", a.toString()));
      k.retiredAt().ifPresent(r -> item.put("retiredAt", r.toString()));
    });
    Optional<Instant> last = records.stream().flatMap(k -> k.activatedAt().stream()).max(Comparator.naturalOrder());
    o.put("lastRotation", last.map(Instant::toString).orElse(null));
    return o;
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = PerimeterPage.class.getResourceAsStream("/page/" + name)) {
      if (in == null) {
        throw new IOException("resource /page/" + name + " missing from local-tools");
      }
      return in.readAllBytes();
    }
  }

  private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.sendResponseHeaders(status, body.length);
    exchange.getResponseBody().write(body);
  }
}
