package dev.edgeperimeter.authorizer.usertoken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.edgeperimeter.authorizer.support.LocalIssuer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("JWKS over HTTP: OIDC discovery or OIDC_JWKS_URL, bounded and strict")
class HttpJwksFetcherTest {
  private HttpServer http;
  private String base;
  private final Map<String, String> bodies = new ConcurrentHashMap<>();
  private final Map<String, Integer> statuses = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
  private final LocalIssuer issuer = new LocalIssuer();

  @BeforeEach
  void start() throws IOException {
    http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    http.createContext("/", exchange -> {
      String path = exchange.getRequestURI().getPath();
      hits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
      String body = bodies.getOrDefault(path, "not found");
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(statuses.getOrDefault(path, bodies.containsKey(path) ? 200 : 404), bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    });
    http.start();
    base = "http://127.0.0.1:" + http.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    http.stop(0);
  }

  @Test
  void discoversTheJwksUriOnceAndFetchesTheKeys() {
    bodies.put("/pool/.well-known/openid-configuration",
        "{\"issuer\":\"" + base + "/pool\",\"jwks_uri\":\"" + base + "/pool/keys\",\"extra\":{\"a\":[1,2]}}");
    bodies.put("/pool/keys", issuer.jwksJson());
    HttpJwksFetcher fetcher = new HttpJwksFetcher(base + "/pool", Optional.empty());
    assertThat(JwksCache.parse(fetcher.fetch(), w -> { })).containsKeys("rsa-1", "ec-1");
    fetcher.fetch();
    fetcher.releaseConnections(); // as before a SnapStart snapshot: the next fetch reconnects
    fetcher.fetch();
    assertThat(hits.get("/pool/.well-known/openid-configuration").get()).isEqualTo(1);
    assertThat(hits.get("/pool/keys").get()).isEqualTo(3);
  }

  @Test
  void configuredJwksUrlSkipsDiscovery() {
    bodies.put("/jwks.json", issuer.jwksJson());
    HttpJwksFetcher fetcher = new HttpJwksFetcher("https://issuer.example", Optional.of(URI.create(base + "/jwks.json")));
    assertThat(fetcher.fetch()).contains("rsa-1");
    assertThat(hits).doesNotContainKey("/.well-known/openid-configuration");
  }

  @Test
  void failuresAreExceptionsForTheCacheToHandle() {
    statuses.put("/down", 503);
    bodies.put("/down", "{}");
    assertThatThrownBy(() -> new HttpJwksFetcher("x", Optional.of(URI.create(base + "/down"))).fetch())
        .hasMessageContaining("503");
    bodies.put("/big", "x".repeat(HttpJwksFetcher.MAX_BYTES + 10));
    assertThatThrownBy(() -> new HttpJwksFetcher("x", Optional.of(URI.create(base + "/big"))).fetch())
        .hasMessageContaining("more than");
    bodies.put("/nouri/.well-known/openid-configuration", "{\"issuer\":\"x\"}");
    assertThatThrownBy(() -> new HttpJwksFetcher(base + "/nouri", Optional.empty()).fetch())
        .hasMessageContaining("jwks_uri");
    assertThatThrownBy(() -> JwksCache.parse("{\"no\":\"keys\"}", w -> { })).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> JwksCache.parse("[]", w -> { })).isInstanceOf(IllegalArgumentException.class);
  }
}
