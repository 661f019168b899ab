package dev.edgeperimeter.rotation.support;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.requestfilter.RequestFilterAction;
import com.github.tomakehurst.wiremock.extension.requestfilter.StubRequestFilterV2;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stand-in for the Akamai EdgeKV REST API (items only), run as a WireMock server. It checks what
 * the real API checks — the item path and network, the method, {@code Content-Type:
 * application/json} on writes, and an EdgeGrid v1 {@code Authorization} header that verifies
 * against its credentials ({@link EdgeGridVerifier}) — keeps the items in memory, and fails on
 * demand ({@link #failNext(int, int)}) or serves stale reads for a while ({@link #staleReads(int)})
 * to imitate EdgeKV's propagation delay.
 *
 * <p>Reusable outside the tests: {@link EdgeKvStandInMain} runs one from the command line for a
 * local stack; the publish secret it prints points {@code key-rotation-fn} at it.
 */
public final class EdgeKvStandIn implements AutoCloseable {
  public static final String CLIENT_TOKEN = "akab-client-token-standin";
  public static final String CLIENT_SECRET = "c2VjcmV0LW9mLXRoZS1zdGFuZC1pbg==";
  public static final String ACCESS_TOKEN = "akab-access-token-standin";

  private static final Pattern ITEM_PATH = Pattern.compile(
      "/edgekv/v1/networks/(staging|production)/namespaces/([A-Za-z0-9_-]+)/groups/([A-Za-z0-9_-]+)/items/([A-Za-z0-9_-]+)");

  /** One request as the stand-in saw it. */
  public record Seen(String method, String path, int status, String problem) {
  }

  private final WireMockServer server;
  private final EdgeGridVerifier verifier;
  private final Map<String, String> items = new ConcurrentHashMap<>();
  private final Map<String, String> previous = new ConcurrentHashMap<>();
  private final Deque<Integer> failures = new ArrayDeque<>();
  private final Map<String, Deque<Integer>> networkFailures = new ConcurrentHashMap<>();
  private final List<Seen> seen = new ArrayList<>();
  private int staleReads;
  private int staleLeft;

  public EdgeKvStandIn() {
    this(0);
  }

  /** @param port a fixed port, or 0 for a free one */
  public EdgeKvStandIn(int port) {
    this.verifier = new EdgeGridVerifier(CLIENT_TOKEN, CLIENT_SECRET, ACCESS_TOKEN, Clock.systemUTC(),
        Duration.ofMinutes(5));
    WireMockConfigurationHolder holder = new WireMockConfigurationHolder();
    this.server = new WireMockServer(wireMockConfig()
        .port(port)
        .bindAddress("127.0.0.1")
        .extensions(holder.filter(this)));
    server.start();
  }

  /** Indirection so the filter can call back into this instance. */
  private static final class WireMockConfigurationHolder {
    StubRequestFilterV2 filter(EdgeKvStandIn standIn) {
      return new StubRequestFilterV2() {
        @Override
        public RequestFilterAction filter(Request request, ServeEvent serveEvent) {
          return RequestFilterAction.stopWith(standIn.handle(request));
        }

        @Override
        public String getName() {
          return "edgekv-stand-in";
        }
      };
    }
  }

  public int port() {
    return server.port();
  }

  /** The {@code host} value for the publish secret: scheme, loopback address and port. */
  public String host() {
    return "http://127.0.0.1:" + port();
  }

  /** A publish secret JSON pointing at this stand-in, with {@code wrappingKey} (base64url). */
  public String secretJson(String wrappingKey) {
    return "{\"host\":\"" + host() + "\",\"client_token\":\"" + CLIENT_TOKEN + "\",\"client_secret\":\""
        + CLIENT_SECRET + "\",\"access_token\":\"" + ACCESS_TOKEN + "\",\"wrapping_key\":\"" + wrappingKey + "\"}";
  }

  /** The next {@code count} requests answer {@code status} (e.g. 500 or 429) without effect. */
  public synchronized void failNext(int count, int status) {
    for (int i = 0; i < count; i++) {
      failures.add(status);
    }
  }

  /** The next {@code count} requests to items on {@code network} answer {@code status}. */
  public synchronized void failNetwork(String network, int count, int status) {
    Deque<Integer> queue = networkFailures.computeIfAbsent(network, n -> new ArrayDeque<>());
    for (int i = 0; i < count; i++) {
      queue.add(status);
    }
  }

  public synchronized void clearFailures() {
    failures.clear();
    networkFailures.clear();
  }

  /** After each write, the next {@code count} reads of that item still return the old value. */
  public synchronized void staleReads(int count) {
    this.staleReads = count;
  }

  public synchronized List<Seen> requests() {
    return List.copyOf(seen);
  }

  public synchronized void clearRequests() {
    seen.clear();
  }

  /** The stored value of {@code namespace/group/item} on {@code network}. */
  public Optional<String> item(String network, String namespace, String group, String item) {
    return Optional.ofNullable(items.get(network + "/" + namespace + "/" + group + "/" + item));
  }

  synchronized ResponseDefinition handle(Request request) {
    String method = request.getMethod().getName();
    String url = request.getUrl();
    String path = url.contains("?") ? url.substring(0, url.indexOf('?')) : url;
    Integer failure = failures.poll();
    if (failure == null) {
      for (Map.Entry<String, Deque<Integer>> entry : networkFailures.entrySet()) {
        if (path.startsWith("/edgekv/v1/networks/" + entry.getKey() + "/")) {
          failure = entry.getValue().poll();
        }
      }
    }
    if (failure != null) {
      return answer(method, path, failure, "injected failure", "{\"title\":\"injected failure\",\"status\":"
          + failure + "}");
    }
    Matcher m = ITEM_PATH.matcher(path);
    if (!m.matches()) {
      return answer(method, path, 404, "unknown path", "{\"title\":\"Not Found\",\"status\":404}");
    }
    // HTTP/1.1 sends Host; HTTP/2 (h2c upgrade) sends :authority, which WireMock folds into the absolute URL.
    String host = request.getHeader("Host");
    if (host == null || host.isBlank()) {
      host = java.net.URI.create(request.getAbsoluteUrl()).getRawAuthority();
    }
    byte[] body = request.getBody();
    String problem = verifier.verify(method, host == null ? "" : host, url, body, request.getHeader("Authorization"));
    if (problem != null) {
      return answer(method, path, 401, problem, "{\"title\":\"Unauthorized\",\"status\":401,\"detail\":\""
          + problem + "\"}");
    }
    String key = m.group(1) + "/" + m.group(2) + "/" + m.group(3) + "/" + m.group(4);
    switch (method) {
      case "PUT" -> {
        String contentType = request.getHeader("Content-Type");
        if (contentType == null || !contentType.toLowerCase().startsWith("application/json")) {
          return answer(method, path, 415, "content type " + contentType, "{\"title\":\"Unsupported Media Type\"}");
        }
        String value = new String(body, StandardCharsets.UTF_8);
        if (!value.startsWith("{")) {
          return answer(method, path, 400, "not a JSON object", "{\"title\":\"Bad Request\"}");
        }
        String old = items.put(key, value);
        if (old != null) {
          previous.put(key, old);
        } else {
          previous.remove(key);
        }
        staleLeft = staleReads;
        return answer(method, path, 200, null, "Item was upserted in KV store with database 1, namespace "
            + m.group(2) + ", group " + m.group(3) + ", and item " + m.group(4) + ".");
      }
      case "GET" -> {
        String value = items.get(key);
        if (staleLeft > 0) {
          staleLeft--;
          value = previous.get(key);
        }
        if (value == null) {
          return answer(method, path, 404, "no such item", "{\"title\":\"Not Found\",\"status\":404}");
        }
        return answer(method, path, 200, null, value);
      }
      default -> {
        return answer(method, path, 405, "method", "{\"title\":\"Method Not Allowed\"}");
      }
    }
  }

  private ResponseDefinition answer(String method, String path, int status, String problem, String body) {
    seen.add(new Seen(method, path, status, problem));
    return ResponseDefinitionBuilder.responseDefinition().withStatus(status)
        .withHeader("Content-Type", body.startsWith("{") ? "application/json" : "text/plain")
        .withBody(body).build();
  }

  @Override
  public void close() {
    server.stop();
  }
}
