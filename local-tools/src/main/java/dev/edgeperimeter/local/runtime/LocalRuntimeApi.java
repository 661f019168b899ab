package dev.edgeperimeter.local.runtime;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Lambda Runtime API of one execution environment, on loopback: what a runtime client (here
 * the official {@code aws-lambda-java-runtime-interface-client}) talks to through
 * {@code AWS_LAMBDA_RUNTIME_API}. It serves
 *
 * <ul>
 *   <li>{@code GET /2018-06-01/runtime/invocation/next}: blocks until an event is {@link #submit submitted},
 *       then answers it with the {@code Lambda-Runtime-*} headers (request id, deadline, function ARN, trace id);</li>
 *   <li>{@code POST /2018-06-01/runtime/invocation/{id}/response} and {@code .../error}: the result;</li>
 *   <li>{@code POST /2018-06-01/runtime/init/error}: the function could not start; every submitted
 *       invocation then fails with that document, as Lambda answers invokes of a failed init;</li>
 *   <li>{@code GET /2018-06-01/runtime/restore/next} and {@code POST .../restore/error}: SnapStart's
 *       restore step (no snapshot is taken: the restore is answered at once, so the runtime client
 *       runs the {@code beforeCheckpoint} hooks, then the {@code afterRestore} hooks).</li>
 * </ul>
 *
 * <p>Payloads are passed through unchanged: what a caller gets back is exactly what Lambda's Java
 * runtime produced (the response JSON, or its error document with {@code errorType},
 * {@code errorMessage} and {@code stackTrace}).
 */
public final class LocalRuntimeApi implements AutoCloseable {
  private static final String PREFIX = "/2018-06-01/runtime/";

  /** What the runtime reported for one invocation. */
  public record Outcome(Kind kind, byte[] payload, String errorType, long handlerNanos) {
    public enum Kind { RESPONSE, FUNCTION_ERROR, INIT_ERROR }

    public boolean failed() {
      return kind != Kind.RESPONSE;
    }

    public String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }
  }

  private record Pending(String requestId, byte[] event, Duration timeout, CompletableFuture<Outcome> result) {
  }

  private final HttpServer server;
  private final ExecutorService executor;
  private final String functionArn;
  private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final Map<String, Pending> inFlight = new ConcurrentHashMap<>();
  private final Map<String, Long> handedOutAt = new ConcurrentHashMap<>();
  private final AtomicInteger restores = new AtomicInteger();
  private volatile Outcome initError;
  private volatile boolean closed;

  private LocalRuntimeApi(HttpServer server, ExecutorService executor, String functionArn) {
    this.server = server;
    this.executor = executor;
    this.functionArn = functionArn;
  }

  /** Starts the API on a free loopback port. */
  public static LocalRuntimeApi start(String functionArn) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    ExecutorService executor = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "local-runtime-api");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    LocalRuntimeApi api = new LocalRuntimeApi(server, executor, functionArn);
    server.createContext(PREFIX, api::handle);
    server.start();
    return api;
  }

  /** {@code host:port}, the value of {@code AWS_LAMBDA_RUNTIME_API}. */
  public String address() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  /** Times the runtime passed SnapStart's restore step. */
  public int restores() {
    return restores.get();
  }

  /** Queues an event for the runtime's next {@code /invocation/next}; completes with what it reports. */
  public CompletableFuture<Outcome> submit(byte[] event, Duration timeout) {
    Pending p = new Pending(UUID.randomUUID().toString(), event, timeout, new CompletableFuture<>());
    Outcome failedInit = initError;
    if (failedInit != null) {
      p.result().complete(failedInit);
      return p.result();
    }
    queue.add(p);
    return p.result();
  }

  /** Forgets an invocation the caller gave up on (timeout, dead runtime). */
  public void abandon(CompletableFuture<Outcome> result) {
    queue.removeIf(p -> p.result() == result);
    inFlight.values().removeIf(p -> p.result() == result);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath().substring(PREFIX.length());
      String method = exchange.getRequestMethod();
      byte[] body = exchange.getRequestBody().readAllBytes();
      if (method.equals("GET") && path.equals("invocation/next")) {
        next(exchange);
      } else if (method.equals("POST") && path.startsWith("invocation/") && path.endsWith("/response")) {
        finish(exchange, path.substring("invocation/".length(), path.length() - "/response".length()),
            Outcome.Kind.RESPONSE, body);
      } else if (method.equals("POST") && path.startsWith("invocation/") && path.endsWith("/error")) {
        finish(exchange, path.substring("invocation/".length(), path.length() - "/error".length()),
            Outcome.Kind.FUNCTION_ERROR, body);
      } else if (method.equals("POST") && (path.equals("init/error") || path.equals("restore/error"))) {
        Outcome failed = new Outcome(Outcome.Kind.INIT_ERROR, body, errorType(exchange), 0);
        initError = failed;
        Pending p;
        while ((p = queue.poll()) != null) {
          p.result().complete(failed);
        }
        respond(exchange, 202, "{\"status\":\"OK\"}");
      } else if (method.equals("GET") && path.equals("restore/next")) {
        restores.incrementAndGet();
        respond(exchange, 200, "");
      } else {
        respond(exchange, 404, "{\"errorType\":\"NotFound\",\"errorMessage\":\"" + method + " " + path + "\"}");
      }
    }
  }

  private void next(HttpExchange exchange) throws IOException {
    Pending p = null;
    try {
      while (p == null && !closed) {
        p = queue.poll(200, TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (p == null) {
      respond(exchange, 500, "{\"errorType\":\"Runtime.Shutdown\",\"errorMessage\":\"the local runtime API stopped\"}");
      return;
    }
    inFlight.put(p.requestId(), p);
    var headers = exchange.getResponseHeaders();
    headers.set("Content-Type", "application/json");
    headers.set("Lambda-Runtime-Aws-Request-Id", p.requestId());
    headers.set("Lambda-Runtime-Deadline-Ms", Long.toString(System.currentTimeMillis() + p.timeout().toMillis()));
    headers.set("Lambda-Runtime-Invoked-Function-Arn", functionArn);
    headers.set("Lambda-Runtime-Trace-Id", "Root=1-" + Long.toHexString(System.currentTimeMillis() / 1000) + "-"
        + p.requestId().replace("-", "").substring(0, 24) + ";Sampled=0");
    handedOutAt.put(p.requestId(), System.nanoTime());
    exchange.sendResponseHeaders(200, p.event().length == 0 ? -1 : p.event().length);
    exchange.getResponseBody().write(p.event());
  }

  private void finish(HttpExchange exchange, String requestId, Outcome.Kind kind, byte[] body) throws IOException {
    Pending p = inFlight.remove(requestId);
    Long since = handedOutAt.remove(requestId);
    long nanos = since == null ? 0 : System.nanoTime() - since;
    if (p == null) {
      respond(exchange, 400, "{\"errorType\":\"InvalidRequestID\",\"errorMessage\":\"unknown request id\"}");
      return;
    }
    p.result().complete(new Outcome(kind, body, kind == Outcome.Kind.RESPONSE ? null : errorType(exchange), nanos));
    respond(exchange, 202, "{\"status\":\"OK\"}");
  }

  private static String errorType(HttpExchange exchange) {
    return exchange.getRequestHeaders().getFirst("Lambda-Runtime-Function-Error-Type");
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  @Override
  public void close() {
    closed = true;
    server.stop(0);
    executor.shutdownNow();
  }
}
