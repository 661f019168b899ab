package dev.edgeperimeter.testsupport.edgekv;

import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Akamai EdgeKV REST API ({@code /edgekv/v1}) as a WireMock server on a free loopback port,
 * checking what the real API checks for the calls this project makes (docs/WIRE-DETAILS.md):
 *
 * <ul>
 *   <li>{@code PUT|GET /edgekv/v1/networks/{staging|production}/namespaces/{ns}/groups/{group}/items/{item}};
 *       any other path answers 404, another method on an item path 405;</li>
 *   <li>an EdgeGrid v1 {@code Authorization} header whose signature verifies against
 *       {@link #credentials()} ({@link EdgeGridVerifier}: 401 for a missing, malformed, stale,
 *       replayed or wrongly signed header);</li>
 *   <li>{@code Content-Type: application/json} on {@code PUT} (else 415) and a JSON body of at most
 *       {@value #MAX_VALUE_BYTES} bytes (else 400/413);</li>
 *   <li>a namespace the API client has access to (else 403), {@link Builder#namespaces}.</li>
 * </ul>
 *
 * <p>Items are kept in memory per network. {@code GET} of an absent item answers 404.
 *
 * <p><b>Edge reads.</b> A real EdgeWorker does not call this API: it reads EdgeKV through the
 * EdgeKV helper library with its own access token. The local edge ({@code edgeworker/local/
 * edge-server.mjs}) instead sends an <em>unsigned</em> {@code GET} on the same item path. That is
 * allowed only when the stand-in is built with {@link Builder#allowEdgeReads(boolean)}; every
 * other unsigned request is still refused. {@link #requests()} marks such reads as unsigned.
 *
 * <p>Fault injection for retry tests: {@link #failNext(int, int)} makes the next requests fail
 * (500, 429, ...), {@link #failNetwork(String, int, int)} only those to one network, and
 * {@link #staleReads(int)} imitates EdgeKV's propagation delay (reads after a write still return
 * the old value for a while). {@link #requests()} is the request log; {@link #secretJson(String)}
 * the publish secret (docs/WIRE-DETAILS.md) that points a publisher at this server.
 */
public final class EdgeKvStandIn implements AutoCloseable {
  /** Largest item value accepted (EdgeKV's own limit is of this order). */
  public static final int MAX_VALUE_BYTES = 256 * 1024;
  private static final Pattern ITEM_PATH = Pattern.compile(
      "^/edgekv/v1/networks/([^/]+)/namespaces/([^/]+)/groups/([^/]+)/items/([^/?]+)$");
  private static final Pattern NAME = Pattern.compile("^[A-Za-z0-9_-]{1,128}$");
  private static final List<String> NETWORKS = List.of("staging", "production");

  /** One request as the stand-in saw it, with the status it answered. */
  public record RecordedRequest(String method, String path, boolean signed, int status, String body) {
  }

  private final EdgeKvCredentials configuredCredentials;
  private final boolean allowEdgeReads;
  private final List<String> namespaces;
  private final Clock clock;
  private final Duration maxClockSkew;
  private final int requestedPort;
  private final Map<String, String> items = new ConcurrentHashMap<>();
  private final List<RecordedRequest> requests = java.util.Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger failuresLeft = new AtomicInteger();
  private volatile int failureStatus = 500;
  private final Map<String, Deque<Integer>> networkFailures = new ConcurrentHashMap<>();
  private final Map<String, String> previousValues = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> staleLeft = new ConcurrentHashMap<>();
  private volatile int staleReads;
  private WireMockServer server;
  private EdgeKvCredentials credentials;
  private EdgeGridVerifier verifier;

  private EdgeKvStandIn(Builder b) {
    this.configuredCredentials = b.credentials;
    this.allowEdgeReads = b.allowEdgeReads;
    this.namespaces = List.copyOf(b.namespaces);
    this.clock = b.clock;
    this.maxClockSkew = b.maxClockSkew;
    this.requestedPort = b.port;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Options; defaults: random credentials, no edge reads, every namespace allowed, 5 min skew. */
  public static final class Builder {
    private EdgeKvCredentials credentials;
    private boolean allowEdgeReads;
    private List<String> namespaces = List.of();
    private Clock clock = Clock.systemUTC();
    private Duration maxClockSkew = Duration.ofMinutes(5);
    private int port;

    /** The loopback port to bind; 0 (the default) picks a free one. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** Fixed client token, secret and access token (the host is always the stand-in's own). */
    public Builder credentials(String clientToken, String clientSecret, String accessToken) {
      this.credentials = new EdgeKvCredentials(clientToken, clientSecret, accessToken, "");
      return this;
    }

    /** Serves unsigned item {@code GET}s, as the local edge reads EdgeKV (see the class comment). */
    public Builder allowEdgeReads(boolean allow) {
      this.allowEdgeReads = allow;
      return this;
    }

    /** Namespaces the API client may use; others answer 403. Empty: every namespace. */
    public Builder namespaces(String... names) {
      this.namespaces = List.of(names);
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    public Builder maxClockSkew(Duration skew) {
      this.maxClockSkew = skew;
      return this;
    }

    public EdgeKvStandIn build() {
      return new EdgeKvStandIn(this);
    }
  }

  /** Binds a free loopback port and starts serving. */
  public synchronized EdgeKvStandIn start() {
    if (server != null) {
      return this;
    }
    server = new WireMockServer(wireMockConfig()
        .bindAddress("127.0.0.1")
        .port(requestedPort)
        .disableRequestJournal()
        .containerThreads(16)
        .extensions(new Transformer()));
    server.stubFor(any(anyUrl()).willReturn(ResponseDefinitionBuilder.responseDefinition().withStatus(500)));
    server.start();
    String host = "127.0.0.1:" + server.port();
    EdgeKvCredentials c = configuredCredentials;
    credentials = c != null
        ? new EdgeKvCredentials(c.clientToken(), c.clientSecret(), c.accessToken(), host)
        : new EdgeKvCredentials("akab-local-" + token(), "local" + secret(), "akab-local-" + token(), host);
    verifier = new EdgeGridVerifier(credentials, maxClockSkew, 131072);
    return this;
  }

  /** {@code http://127.0.0.1:<port>}: the {@code host} of the publish secret. */
  public String baseUrl() {
    requireStarted();
    return "http://127.0.0.1:" + server.port();
  }

  public int port() {
    requireStarted();
    return server.port();
  }

  /** The API client this server accepts; {@code host} is what signers must sign. */
  public EdgeKvCredentials credentials() {
    requireStarted();
    return credentials;
  }

  /** The stored value of an item, if any. */
  public Optional<String> item(String network, String namespace, String group, String item) {
    return Optional.ofNullable(items.get(key(network, namespace, group, item)));
  }

  /** Stores an item directly (test set-up, e.g. a JWKS for the edge), bypassing the API. */
  public void putItem(String network, String namespace, String group, String item, String json) {
    items.put(key(network, namespace, group, item), json);
  }

  /** The next {@code count} requests (of any kind) answer {@code status} and change nothing. */
  public void failNext(int count, int status) {
    this.failureStatus = status;
    failuresLeft.set(count);
  }

  /**
   * The next {@code count} requests to items on {@code network} answer {@code status} and change
   * nothing (after any {@link #failNext} failures are used up).
   */
  public void failNetwork(String network, int count, int status) {
    Deque<Integer> queue = networkFailures.computeIfAbsent(network, n -> new ConcurrentLinkedDeque<>());
    for (int i = 0; i < count; i++) {
      queue.add(status);
    }
  }

  /** Drops every pending {@link #failNext} and {@link #failNetwork} failure. */
  public void clearFailures() {
    failuresLeft.set(0);
    networkFailures.clear();
  }

  /**
   * After each write of an item, its next {@code count} reads still return the value it had
   * before (404 when it had none), as EdgeKV does while a write propagates. 0 (the default) turns
   * this off.
   */
  public void staleReads(int count) {
    this.staleReads = count;
  }

  /** Every request served so far, oldest first. */
  public List<RecordedRequest> requests() {
    synchronized (requests) {
      return List.copyOf(requests);
    }
  }

  /** Forgets the request log (items, credentials and failures stay). */
  public void clearRequests() {
    requests.clear();
  }

  /**
   * The publish secret of docs/WIRE-DETAILS.md that points a publisher at this server: its
   * {@link #baseUrl()}, {@link #credentials()} and the given wrapping key.
   *
   * @param wrappingKey the 32-byte AES wrapping key, unpadded base64url
   */
  public String secretJson(String wrappingKey) {
    EdgeKvCredentials c = credentials();
    return "{\"host\":" + quote(baseUrl()) + ",\"client_token\":" + quote(c.clientToken())
        + ",\"client_secret\":" + quote(c.clientSecret()) + ",\"access_token\":" + quote(c.accessToken())
        + ",\"wrapping_key\":" + quote(wrappingKey) + "}";
  }

  @Override
  public synchronized void close() {
    if (server != null) {
      server.stop();
      server = null;
    }
  }

  private void requireStarted() {
    if (server == null) {
      throw new IllegalStateException("the EdgeKV stand-in is not started");
    }
  }

  private static String key(String network, String namespace, String group, String item) {
    return network + "/" + namespace + "/" + group + "/" + item;
  }

  private static String token() {
    return UUID.randomUUID().toString().replace("-", "").substring(0, 16) + "-"
        + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
  }

  private static String secret() {
    byte[] b = new byte[32];
    new SecureRandom().nextBytes(b);
    return Base64.getEncoder().encodeToString(b);
  }

  private ResponseDefinition handle(com.github.tomakehurst.wiremock.http.Request request) {
    String method = request.getMethod().getName().toUpperCase(Locale.ROOT);
    String url = request.getUrl();
    byte[] body = request.getBody() == null ? new byte[0] : request.getBody();
    String authorization = request.getHeader("Authorization");
    boolean signed = authorization != null && !authorization.isBlank();
    Answer answer = answer(method, url, body, authorization, host(request), request.getHeader("Content-Type"));
    requests.add(new RecordedRequest(method, url, signed, answer.status, new String(body, StandardCharsets.UTF_8)));
    ResponseDefinitionBuilder out = ResponseDefinitionBuilder.responseDefinition()
        .withStatus(answer.status)
        .withHeader("Content-Type", answer.contentType)
        .withBody(answer.body);
    return out.build();
  }

  /** The {@code Host} header, or the {@code :authority} of an HTTP/2 request (no Host header there). */
  private static String host(com.github.tomakehurst.wiremock.http.Request request) {
    String host = request.containsHeader("Host") ? request.getHeader("Host") : null;
    if (host != null && !host.isBlank()) {
      return host;
    }
    return java.net.URI.create(request.getAbsoluteUrl()).getRawAuthority();
  }

  private record Answer(int status, String contentType, String body) {
  }

  private Answer answer(String method, String url, byte[] body, String authorization, String host,
      String contentType) {
    String path = url.contains("?") ? url.substring(0, url.indexOf('?')) : url;
    if (failuresLeft.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
      return simulatedFailure(failureStatus, method, path);
    }
    for (Map.Entry<String, Deque<Integer>> entry : networkFailures.entrySet()) {
      if (path.startsWith("/edgekv/v1/networks/" + entry.getKey() + "/")) {
        Integer status = entry.getValue().poll();
        if (status != null) {
          return simulatedFailure(status, method, path);
        }
      }
    }
    Matcher m = ITEM_PATH.matcher(path);
    if (!m.matches()) {
      return problem(404, "Not Found", "The requested resource was not found", method, path);
    }
    String network = m.group(1);
    String namespace = m.group(2);
    String group = m.group(3);
    String item = m.group(4);
    boolean edgeRead = allowEdgeReads && "GET".equals(method) && (authorization == null || authorization.isBlank());
    if (!edgeRead) {
      Optional<EdgeGridVerifier.Failure> failure = verifier.verify(method, host, url, authorization, body,
          clock.instant());
      if (failure.isPresent()) {
        return problem(failure.get().status(), "Not authorized", failure.get().detail(), method, path);
      }
    }
    if (!"GET".equals(method) && !"PUT".equals(method)) {
      return problem(405, "Method Not Allowed", "Method " + method + " is not supported on an item", method, path);
    }
    if (!NETWORKS.contains(network)) {
      return problem(400, "Bad Request", "network must be staging or production", method, path);
    }
    if (!NAME.matcher(namespace).matches() || !NAME.matcher(group).matches() || !NAME.matcher(item).matches()) {
      return problem(400, "Bad Request", "invalid namespace, group or item name", method, path);
    }
    if (!namespaces.isEmpty() && !namespaces.contains(namespace)) {
      return problem(403, "Forbidden", "The API client has no access to namespace " + namespace, method, path);
    }
    String k = key(network, namespace, group, item);
    if ("GET".equals(method)) {
      String value = items.get(k);
      AtomicInteger stale = staleLeft.get(k);
      if (stale != null && stale.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
        value = previousValues.get(k);
      }
      return value == null
          ? problem(404, "Not Found", "Item '" + item + "' was not found in group '" + group + "'", method, path)
          : new Answer(200, "application/json", value);
    }
    if (contentType == null || !contentType.toLowerCase(Locale.ROOT).split(";")[0].trim().equals("application/json")) {
      return problem(415, "Unsupported Media Type", "Content-Type must be application/json", method, path);
    }
    if (body.length > MAX_VALUE_BYTES) {
      return problem(413, "Payload Too Large", "item value exceeds " + MAX_VALUE_BYTES + " bytes", method, path);
    }
    String value = new String(body, StandardCharsets.UTF_8);
    if (!looksLikeJson(value)) {
      return problem(400, "Bad Request", "item value is not JSON", method, path);
    }
    String old = items.put(k, value);
    if (old == null) {
      previousValues.remove(k);
    } else {
      previousValues.put(k, old);
    }
    staleLeft.computeIfAbsent(k, x -> new AtomicInteger()).set(staleReads);
    return new Answer(200, "text/plain", "Item was upserted in KV store with database 0, namespace " + namespace
        + ", group " + group + ", and item " + item + ".");
  }

  private static boolean looksLikeJson(String value) {
    try (var parser = dev.edgeperimeter.shared.json.JsonLimits.FACTORY.createParser(value)) {
      while (parser.nextToken() != null) {
        // read to the end: throws on malformed input
      }
      return !value.isBlank();
    } catch (java.io.IOException e) {
      return false;
    }
  }

  private static Answer simulatedFailure(int status, String method, String path) {
    return problem(status, status == 429 ? "Too Many Requests" : "Internal Server Error", "Simulated failure",
        method, path);
  }

  private static Answer problem(int status, String title, String detail, String method, String path) {
    String id = HexFormat.of().formatHex(UUID.randomUUID().toString().getBytes(StandardCharsets.US_ASCII), 0, 8);
    String json = "{\"type\":\"https://problems.luna.akamaiapis.net/edgekv/error-types/" + status + "\","
        + "\"title\":" + quote(title) + ",\"status\":" + status + ",\"detail\":" + quote(detail)
        + ",\"instance\":\"/edgekv/error-instances/" + id + "\",\"method\":" + quote(method)
        + ",\"path\":" + quote(path) + "}";
    return new Answer(status, "application/problem+json", json);
  }

  private static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.append('"').toString();
  }

  private final class Transformer implements ResponseDefinitionTransformerV2 {
    @Override
    public ResponseDefinition transform(ServeEvent serveEvent) {
      return handle(serveEvent.getRequest());
    }

    @Override
    public boolean applyGlobally() {
      return true;
    }

    @Override
    public String getName() {
      return "edgekv-stand-in";
    }
  }
}
