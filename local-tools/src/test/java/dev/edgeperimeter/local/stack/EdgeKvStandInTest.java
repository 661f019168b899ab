package dev.edgeperimeter.local.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.akamai.edgegrid.signer.ClientCredential;
import com.akamai.edgegrid.signer.EdgeGridV1Signer;
import com.akamai.edgegrid.signer.Request;
import dev.edgeperimeter.testsupport.edgekv.EdgeKvCredentials;
import dev.edgeperimeter.testsupport.edgekv.EdgeKvStandIn;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The EdgeKV stand-in accepts what the official EdgeGrid signer produces and refuses what the real API refuses. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EdgeKvStandInTest {
  private static final String ITEM = "/edgekv/v1/networks/staging/namespaces/edge-perimeter/groups/edge-keys/items/current";
  private static final String VALUE = "{\"v\":1,\"kid\":\"2026-11.abc\",\"alg\":\"HS256\",\"k\":\"x\",\"exp\":1798000000}";

  private final HttpClient http = HttpClient.newHttpClient();
  private EdgeKvStandIn kv;

  @BeforeAll
  void start() {
    kv = EdgeKvStandIn.builder().namespaces("edge-perimeter").build().start();
  }

  @AfterAll
  void stop() {
    kv.close();
  }

  private HttpResponse<String> send(String method, String path, String body, String contentType,
      EdgeKvCredentials credentials, boolean sign) throws Exception {
    URI uri = URI.create(kv.baseUrl() + path);
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).method(method,
        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    if (sign) {
      Request.RequestBuilder toSign = Request.builder().method(method).uri(uri);
      if (body != null) {
        toSign.body(body.getBytes(StandardCharsets.UTF_8));
      }
      ClientCredential credential = ClientCredential.builder().host(credentials.host())
          .clientToken(credentials.clientToken()).clientSecret(credentials.clientSecret())
          .accessToken(credentials.accessToken()).build();
      request.header("Authorization", new EdgeGridV1Signer().getSignature(toSign.build(), credential));
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> signed(String method, String path, String body, String contentType) throws Exception {
    return send(method, path, body, contentType, kv.credentials(), true);
  }

  @Nested
  @DisplayName("accepts")
  class Accepts {
    @Test
    @DisplayName("a PUT signed by the official EdgeGridV1Signer, then serves it on a signed GET")
    void signedPutThenGet() throws Exception {
      HttpResponse<String> put = signed("PUT", ITEM, VALUE, "application/json");
      assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
      HttpResponse<String> get = signed("GET", ITEM, null, null);
      assertThat(get.statusCode()).isEqualTo(200);
      assertThat(get.body()).isEqualTo(VALUE);
      assertThat(kv.item("staging", "edge-perimeter", "edge-keys", "current")).contains(VALUE);
      assertThat(kv.item("production", "edge-perimeter", "edge-keys", "current")).isEmpty();
    }

    @Test
    @DisplayName("a signed POST-free query string path: the signer's decoded query is verified")
    void signedGetWithQuery() throws Exception {
      kv.putItem("staging", "edge-perimeter", "edge-keys", "q", "{}");
      HttpResponse<String> get = signed("GET", ITEM.replace("current", "q") + "?sandboxId=a%20b", null, null);
      assertThat(get.statusCode()).isEqualTo(200);
    }
  }

  @Nested
  @DisplayName("refuses")
  class Refuses {
    @Test
    @DisplayName("an unsigned request with 401 (edge reads are off by default)")
    void unsigned() throws Exception {
      assertThat(send("GET", ITEM, null, null, kv.credentials(), false).statusCode()).isEqualTo(401);
    }

    @Test
    @DisplayName("a request signed with the wrong client secret with 401 'The signature does not match'")
    void badSignature() throws Exception {
      EdgeKvCredentials c = kv.credentials();
      EdgeKvCredentials wrong = new EdgeKvCredentials(c.clientToken(), "not-the-secret", c.accessToken(), c.host());
      HttpResponse<String> r = send("PUT", ITEM, VALUE, "application/json", wrong, true);
      assertThat(r.statusCode()).isEqualTo(401);
      assertThat(r.body()).contains("The signature does not match");
    }

    @Test
    @DisplayName("a request signed for another host with 401")
    void wrongHost() throws Exception {
      EdgeKvCredentials c = kv.credentials();
      EdgeKvCredentials other = new EdgeKvCredentials(c.clientToken(), c.clientSecret(), c.accessToken(),
          "akab-other.luna.akamaiapis.net");
      assertThat(send("GET", ITEM, null, null, other, true).statusCode()).isEqualTo(401);
    }

    @Test
    @DisplayName("an unknown client token with 401")
    void unknownClient() throws Exception {
      EdgeKvCredentials c = kv.credentials();
      EdgeKvCredentials other = new EdgeKvCredentials("akab-unknown", c.clientSecret(), c.accessToken(), c.host());
      HttpResponse<String> r = send("GET", ITEM, null, null, other, true);
      assertThat(r.statusCode()).isEqualTo(401);
      assertThat(r.body()).contains("client token");
    }

    @Test
    @DisplayName("a replayed Authorization header (same nonce) with 401")
    void replayedNonce() throws Exception {
      URI uri = URI.create(kv.baseUrl() + ITEM);
      EdgeKvCredentials c = kv.credentials();
      String auth = new EdgeGridV1Signer().getSignature(Request.builder().method("GET").uri(uri).build(),
          ClientCredential.builder().host(c.host()).clientToken(c.clientToken()).clientSecret(c.clientSecret())
              .accessToken(c.accessToken()).build());
      HttpRequest get = HttpRequest.newBuilder(uri).header("Authorization", auth).GET().build();
      kv.putItem("staging", "edge-perimeter", "edge-keys", "current", VALUE);
      assertThat(http.send(get, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
      HttpResponse<String> again = http.send(get, HttpResponse.BodyHandlers.ofString());
      assertThat(again.statusCode()).isEqualTo(401);
      assertThat(again.body()).contains("Nonce already used");
    }

    @Test
    @DisplayName("a PUT without Content-Type: application/json with 415")
    void wrongContentType() throws Exception {
      assertThat(signed("PUT", ITEM, VALUE, "text/plain").statusCode()).isEqualTo(415);
    }

    @Test
    @DisplayName("a method the item resource does not support with 405")
    void wrongMethod() throws Exception {
      assertThat(signed("DELETE", ITEM, null, null).statusCode()).isEqualTo(405);
      assertThat(signed("POST", ITEM, VALUE, "application/json").statusCode()).isEqualTo(405);
    }

    @Test
    @DisplayName("an unknown path with 404, and a GET of an absent item with 404")
    void unknownPath() throws Exception {
      assertThat(signed("GET", "/edgekv/v1/networks/staging/namespaces", null, null).statusCode()).isEqualTo(404);
      assertThat(signed("GET", ITEM.replace("current", "absent"), null, null).statusCode()).isEqualTo(404);
    }

    @Test
    @DisplayName("a namespace the API client has no access to with 403")
    void foreignNamespace() throws Exception {
      assertThat(signed("GET", ITEM.replace("edge-perimeter", "someone-else"), null, null).statusCode())
          .isEqualTo(403);
    }

    @Test
    @DisplayName("an unknown network with 400")
    void unknownNetwork() throws Exception {
      assertThat(signed("GET", ITEM.replace("staging", "qa"), null, null).statusCode()).isEqualTo(400);
    }
  }

  @Nested
  @DisplayName("on demand")
  class OnDemand {
    @Test
    @DisplayName("fails the next N requests with the given status, then serves again")
    void failNext() throws Exception {
      kv.putItem("staging", "edge-perimeter", "edge-keys", "current", VALUE);
      kv.failNext(2, 429);
      assertThat(signed("GET", ITEM, null, null).statusCode()).isEqualTo(429);
      assertThat(signed("GET", ITEM, null, null).statusCode()).isEqualTo(429);
      assertThat(signed("GET", ITEM, null, null).statusCode()).isEqualTo(200);
      kv.failNext(1, 500);
      assertThat(signed("PUT", ITEM, VALUE, "application/json").statusCode()).isEqualTo(500);
    }

    @Test
    @DisplayName("edge-read mode serves unsigned item GETs only; unsigned PUTs are still refused")
    void edgeReads() throws Exception {
      try (EdgeKvStandIn edgeKv = EdgeKvStandIn.builder().allowEdgeReads(true).build().start()) {
        edgeKv.putItem("staging", "edge-perimeter", "edge-keys", "current", VALUE);
        HttpResponse<String> read = http.send(HttpRequest.newBuilder(URI.create(edgeKv.baseUrl() + ITEM)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(read.body()).isEqualTo(VALUE);
        HttpResponse<String> write = http.send(HttpRequest.newBuilder(URI.create(edgeKv.baseUrl() + ITEM))
            .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(VALUE)).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(write.statusCode()).isEqualTo(401);
        assertThat(edgeKv.requests()).extracting(EdgeKvStandIn.RecordedRequest::signed).containsOnly(false);
      }
    }
  }
}
