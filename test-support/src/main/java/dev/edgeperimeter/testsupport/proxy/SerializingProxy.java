package dev.edgeperimeter.testsupport.proxy;

import dev.edgeperimeter.shared.aws.AwsClients;
import dev.edgeperimeter.shared.aws.AwsSettings;
import dev.edgeperimeter.testsupport.MotoServer;
import dev.edgeperimeter.testsupport.proxy.HttpMessages.Head;
import dev.edgeperimeter.testsupport.proxy.HttpMessages.Header;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * A loopback HTTP/1.1 proxy in front of moto that forwards one request at a time.
 *
 * <p><b>Why.</b> DynamoDB applies every write, conditional or transactional, atomically: of two
 * concurrent {@code attribute_not_exists} puts exactly one succeeds. moto_server does not: it
 * serves requests on several threads and checks a condition and applies the write as separate
 * steps, so two concurrent conditional writers can both win (see {@code MotoWithoutProxyTest}).
 * Behind this proxy moto sees one request at a time, which gives the atomicity of the real
 * service, while the clients (several threads, several SDK clients, several "Lambda
 * containers") really run concurrently: connections are accepted and read in parallel, only the
 * round trip to moto is serialized.
 *
 * <p><b>Faults.</b> {@link #on(Predicate)} adds a {@link FaultRule}: drop the response of the n-th
 * matching request after it was applied, reset a connection, answer a throttling error, or run
 * an action before forwarding. {@link #requests()} lists what the proxy received.
 *
 * <pre>{@code
 * try (SerializingProxy proxy = SerializingProxy.inFrontOf(moto)) {
 *   DynamoDbClient dynamo = proxy.clients().dynamoDb();
 *   proxy.on(ProxiedRequest.operation("PutItem")).nth(2).dropResponse();
 *   ...
 * }
 * }</pre>
 *
 * <p>Each upstream exchange uses its own connection ({@code Connection: close}), so no connection
 * state leaks between requests; client connections are kept alive.
 */
public final class SerializingProxy implements AutoCloseable {
  private static final int UPSTREAM_TIMEOUT_MILLIS = 60_000;

  private final URI upstream;
  private final Optional<AwsSettings> upstreamSettings;
  private final ServerSocket server;
  private final Thread acceptor;
  private final ReentrantLock oneAtATime = new ReentrantLock(true);
  private final List<FaultRule> rules = new CopyOnWriteArrayList<>();
  private final List<ProxiedRequest> journal = new CopyOnWriteArrayList<>();
  private final Set<Socket> clients = ConcurrentHashMap.newKeySet();
  private final AtomicLong sequence = new AtomicLong();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();
  private final AtomicInteger inProxy = new AtomicInteger();
  private final AtomicInteger maxInProxy = new AtomicInteger();
  private volatile boolean closed;

  private SerializingProxy(URI upstream, Optional<AwsSettings> upstreamSettings) throws IOException {
    this.upstream = upstream;
    this.upstreamSettings = upstreamSettings;
    this.server = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
    this.acceptor = Thread.ofPlatform().daemon().name("serializing-proxy-" + server.getLocalPort()).unstarted(this::accept);
  }

  /** A proxy in front of {@code moto}; {@link #settings()} and {@link #clients()} point at it. */
  public static SerializingProxy inFrontOf(MotoServer moto) {
    return start(moto.endpoint(), Optional.of(moto.settings()));
  }

  /** A proxy in front of any HTTP/1.1 server on {@code upstream} ({@code http://host:port}). */
  public static SerializingProxy inFrontOf(URI upstream) {
    return start(upstream, Optional.empty());
  }

  private static SerializingProxy start(URI upstream, Optional<AwsSettings> settings) {
    if (!"http".equals(upstream.getScheme()) || upstream.getPort() < 0) {
      throw new IllegalArgumentException("upstream must be http://host:port, was " + upstream);
    }
    try {
      SerializingProxy proxy = new SerializingProxy(upstream, settings);
      proxy.acceptor.start();
      return proxy;
    } catch (IOException e) {
      throw new IllegalStateException("could not open the proxy's loopback port", e);
    }
  }

  /** Where clients connect: {@code http://127.0.0.1:port}. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getLocalPort());
  }

  /** moto's settings with the endpoint replaced by this proxy's (only for {@link #inFrontOf(MotoServer)}). */
  public AwsSettings settings() {
    AwsSettings base = upstreamSettings.orElseThrow(() -> new IllegalStateException(
        "this proxy was started for " + upstream + ", not for a MotoServer: use endpoint()"));
    return new AwsSettings(base.region(), Optional.of(endpoint()), base.credentials());
  }

  /** SDK clients whose requests go through this proxy. */
  public AwsClients clients() {
    return new AwsClients(settings());
  }

  /** moto's environment for a function under test, with {@code AWS_ENDPOINT_URL} set to this proxy. */
  public Map<String, String> environment(MotoServer moto) {
    Map<String, String> env = new HashMap<>(moto.environment());
    env.put("AWS_ENDPOINT_URL", endpoint().toString());
    return env;
  }

  /** Starts a fault rule for the requests {@code matching} accepts. */
  public FaultRule.Builder on(Predicate<ProxiedRequest> matching) {
    return new FaultRule.Builder(this, matching);
  }

  /** Removes every fault rule. */
  public void clearFaults() {
    rules.clear();
  }

  /** Every request received so far, in arrival order. */
  public List<ProxiedRequest> requests() {
    return List.copyOf(journal);
  }

  /** The requests received so far that {@code matching} accepts. */
  public List<ProxiedRequest> requests(Predicate<ProxiedRequest> matching) {
    return journal.stream().filter(matching).toList();
  }

  /** The most requests that were ever with the upstream at the same time: 1 once anything was forwarded. */
  public int maxConcurrentForwards() {
    return maxInFlight.get();
  }

  /**
   * The most requests that were in the proxy at the same time (received and not yet answered,
   * waiting for their turn included): above 1 when clients really ran concurrently.
   */
  public int maxConcurrentRequests() {
    return maxInProxy.get();
  }

  void add(FaultRule rule) {
    rules.add(rule);
  }

  void remove(FaultRule rule) {
    rules.remove(rule);
  }

  private void accept() {
    while (!closed) {
      try {
        Socket client = server.accept();
        clients.add(client);
        Thread.ofVirtual().name("serializing-proxy-connection").start(() -> serve(client));
      } catch (IOException e) {
        if (!closed) {
          System.err.println("serializing proxy: accept failed: " + e);
        }
      }
    }
  }

  private void serve(Socket client) {
    try (client) {
      InputStream in = new BufferedInputStream(client.getInputStream());
      OutputStream out = new BufferedOutputStream(client.getOutputStream());
      while (!closed) {
        Optional<Head> head = HttpMessages.readHead(in);
        if (head.isEmpty()) {
          return;
        }
        if (head.get().hasToken("Expect", "100-continue")) {
          out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
          out.flush();
        }
        byte[] body = HttpMessages.readBody(in, head.get(), false);
        maxInProxy.accumulateAndGet(inProxy.incrementAndGet(), Math::max);
        try {
          if (!exchange(client, out, head.get(), body)) {
            return;
          }
        } finally {
          inProxy.decrementAndGet();
        }
      }
    } catch (IOException e) {
      // the client went away or sent something that is not HTTP/1.1: drop the connection
    } finally {
      clients.remove(client);
    }
  }

  /** Handles one request; false when the connection is to be closed afterwards. */
  private boolean exchange(Socket client, OutputStream out, Head head, byte[] body) throws IOException {
    String[] requestLine = head.startLine().split(" ", 3);
    if (requestLine.length != 3) {
      throw new IOException("malformed request line: " + head.startLine());
    }
    ProxiedRequest request = new ProxiedRequest(sequence.incrementAndGet(), requestLine[0], requestLine[1],
        head.headers(), body);
    journal.add(request);
    FaultRule due = dueRule(request);
    if (due != null) {
      due.fire();
      switch (due.kind()) {
        case RESET_CONNECTION -> {
          client.setSoLinger(true, 0);
          client.close();
          return false;
        }
        case RESPOND -> {
          String type = due.contentType() != null ? due.contentType()
              : request.header("Content-Type").orElse("application/x-amz-json-1.0");
          byte[] answer = due.body().getBytes(StandardCharsets.UTF_8);
          HttpMessages.write(out, "HTTP/1.1 " + due.status() + " Injected", List.of(new Header("Content-Type", type)),
              keepAlive(head), answer, true);
          return !head.hasToken("Connection", "close");
        }
        case INTERCEPT -> due.action().accept(request);
        case DROP_RESPONSE -> {
          forward(request);
          return false;
        }
        default -> throw new IllegalStateException("unknown fault " + due.kind());
      }
    }
    Upstream response = forward(request);
    boolean noBody = request.method().equals("HEAD");
    List<Header> framing = new ArrayList<>(keepAlive(head));
    if (noBody) {
      response.head().header("Content-Length").ifPresent(v -> framing.add(new Header("Content-Length", v)));
    }
    HttpMessages.write(out, response.statusLine(), response.head().endToEndHeaders(), framing, response.body(), !noBody);
    return !head.hasToken("Connection", "close");
  }

  private static List<Header> keepAlive(Head request) {
    return List.of(new Header("Connection", request.hasToken("Connection", "close") ? "close" : "keep-alive"));
  }

  private FaultRule dueRule(ProxiedRequest request) {
    FaultRule due = null;
    for (FaultRule rule : rules) {
      if (rule.dueFor(request) && due == null) {
        due = rule;
      }
    }
    return due;
  }

  private record Upstream(Head head, String statusLine, byte[] body) {
  }

  /** One round trip to the upstream, with no other request in flight. */
  private Upstream forward(ProxiedRequest request) {
    oneAtATime.lock();
    try {
      maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(upstream.getHost(), upstream.getPort()), UPSTREAM_TIMEOUT_MILLIS);
        socket.setSoTimeout(UPSTREAM_TIMEOUT_MILLIS);
        OutputStream out = new BufferedOutputStream(socket.getOutputStream());
        List<Header> headers = new HttpMessages.Head("", request.headers()).endToEndHeaders();
        HttpMessages.write(out, request.method() + " " + request.target() + " HTTP/1.1", headers,
            List.of(new Header("Connection", "close")), request.rawBody(), true);
        InputStream in = new BufferedInputStream(socket.getInputStream());
        Head head;
        do {
          head = HttpMessages.readHead(in).orElseThrow(() -> new IOException("upstream closed without answering"));
        } while (status(head) / 100 == 1);
        int status = status(head);
        boolean noBody = request.method().equals("HEAD") || status == 204 || status == 304;
        byte[] body = noBody ? new byte[0] : HttpMessages.readBody(in, head, true);
        String[] statusLine = head.startLine().split(" ", 2);
        return new Upstream(head, "HTTP/1.1 " + statusLine[1], body);
      } catch (IOException e) {
        String message = "{\"message\":\"serializing proxy: upstream failed: " + e.getClass().getSimpleName() + "\"}";
        return new Upstream(new Head("HTTP/1.1 502 Bad Gateway",
            List.of(new Header("Content-Type", "application/json"))), "HTTP/1.1 502 Bad Gateway",
            message.getBytes(StandardCharsets.UTF_8));
      } finally {
        inFlight.decrementAndGet();
      }
    } finally {
      oneAtATime.unlock();
    }
  }

  private static int status(Head head) throws IOException {
    String[] parts = head.startLine().split(" ", 3);
    try {
      return Integer.parseInt(parts[1]);
    } catch (RuntimeException e) {
      throw new IOException("malformed status line: " + head.startLine(), e);
    }
  }

  /** Stops accepting, closes every client connection. */
  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    for (Socket client : clients) {
      try {
        client.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }
}
