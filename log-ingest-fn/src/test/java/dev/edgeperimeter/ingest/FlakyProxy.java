package dev.edgeperimeter.ingest;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback HTTP proxy in front of moto that answers the next N calls of one AWS JSON operation
 * with an error (ThrottlingException 400 or a 500), and forwards everything else unchanged.
 */
final class FlakyProxy implements AutoCloseable {
  private final HttpServer server;
  private final URI target;
  private final AtomicInteger failuresLeft = new AtomicInteger();
  private final AtomicInteger failed = new AtomicInteger();
  private volatile String failTarget = "Logs_20140328.PutLogEvents";
  private volatile int failStatus = 400;

  FlakyProxy(URI target) throws IOException {
    this.target = target;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** The next {@code n} calls of the operation fail with {@code status} (400 throttling or 5xx). */
  void failNext(int n, int status) {
    failStatus = status;
    failuresLeft.set(n);
  }

  int failedCalls() {
    return failed.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    byte[] body;
    try (InputStream in = exchange.getRequestBody()) {
      body = in.readAllBytes();
    }
    String amzTarget = exchange.getRequestHeaders().getFirst("X-Amz-Target");
    if (failTarget.equals(amzTarget) && failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      failed.incrementAndGet();
      int status = failStatus;
      String type = status == 400 ? "ThrottlingException" : "ServiceUnavailableException";
      byte[] error = ("{\"__type\":\"" + type + "\",\"message\":\"Rate exceeded (injected)\"}").getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
      exchange.getResponseHeaders().add("x-amzn-RequestId", "injected");
      exchange.sendResponseHeaders(status, error.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(error);
      }
      return;
    }
    HttpURLConnection c = (HttpURLConnection) target.resolve(exchange.getRequestURI().toString()).toURL().openConnection();
    c.setRequestMethod(exchange.getRequestMethod());
    for (Map.Entry<String, List<String>> h : exchange.getRequestHeaders().entrySet()) {
      if (!h.getKey().equalsIgnoreCase("Host") && !h.getKey().equalsIgnoreCase("Content-Length")) {
        for (String v : h.getValue()) {
          c.addRequestProperty(h.getKey(), v);
        }
      }
    }
    if (body.length > 0) {
      c.setDoOutput(true);
      try (OutputStream out = c.getOutputStream()) {
        out.write(body);
      }
    }
    int status = c.getResponseCode();
    byte[] response;
    try (InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream()) {
      response = in == null ? new byte[0] : in.readAllBytes();
    }
    for (Map.Entry<String, List<String>> h : c.getHeaderFields().entrySet()) {
      if (h.getKey() != null && !h.getKey().equalsIgnoreCase("Content-Length")
          && !h.getKey().equalsIgnoreCase("Transfer-Encoding")) {
        exchange.getResponseHeaders().put(h.getKey(), h.getValue());
      }
    }
    exchange.sendResponseHeaders(status, response.length == 0 ? -1 : response.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(response);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
