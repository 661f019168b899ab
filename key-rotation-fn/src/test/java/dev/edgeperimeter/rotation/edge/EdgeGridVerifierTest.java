package dev.edgeperimeter.rotation.edge;

import static org.assertj.core.api.Assertions.assertThat;

import com.akamai.edgegrid.signer.ClientCredential;
import com.akamai.edgegrid.signer.EdgeGridV1Signer;
import com.akamai.edgegrid.signer.Request;
import dev.edgeperimeter.rotation.support.EdgeGridVerifier;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The stand-in's EdgeGrid verifier agrees with Akamai's signer, and rejects what it must. */
class EdgeGridVerifierTest {
  private static final String PATH = "/edgekv/v1/networks/staging/namespaces/ns/groups/g/items/current";
  private static final ClientCredential CREDENTIAL = ClientCredential.builder()
      .host("127.0.0.1:8089").clientToken("ct").clientSecret("cs").accessToken("at").build();

  private static String sign(String method, URI uri, byte[] body) throws Exception {
    Request.RequestBuilder request = Request.builder().method(method).uri(uri);
    if (body != null) {
      request.body(body).header("Content-Type", "application/json");
    }
    return new EdgeGridV1Signer().getSignature(request.build(), CREDENTIAL);
  }

  private static EdgeGridVerifier verifier(String secret) {
    return new EdgeGridVerifier("ct", secret, "at", Clock.systemUTC(), Duration.ofMinutes(5));
  }

  @Test
  @DisplayName("a PUT and a GET signed by edgegrid-signer-core verify")
  void signerOutputVerifies() throws Exception {
    byte[] body = "{\"kid\":\"x\"}".getBytes(StandardCharsets.UTF_8);
    EdgeGridVerifier verifier = verifier("cs");
    String put = sign("PUT", URI.create("http://127.0.0.1:8089" + PATH), body);
    assertThat(verifier.verify("PUT", "127.0.0.1:8089", PATH, body, put)).isNull();
    String get = sign("GET", URI.create("http://127.0.0.1:8089" + PATH + "?x=1"), null);
    assertThat(verifier.verify("GET", "127.0.0.1:8089", PATH + "?x=1", null, get)).isNull();
  }

  @Test
  @DisplayName("a POST body is covered by the content hash")
  void postBodyIsHashed() throws Exception {
    byte[] body = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
    String auth = sign("POST", URI.create("http://127.0.0.1:8089" + PATH), body);
    assertThat(verifier("cs").verify("POST", "127.0.0.1:8089", PATH, "{\"a\":2}".getBytes(StandardCharsets.UTF_8), auth))
        .isEqualTo("signature does not verify");
    assertThat(verifier("cs").verify("POST", "127.0.0.1:8089", PATH, body, auth)).isNull();
  }

  @Test
  @DisplayName("wrong secret, other path, other host, other method, replayed nonce and no header are rejected")
  void rejections() throws Exception {
    String auth = sign("GET", URI.create("http://127.0.0.1:8089" + PATH), null);
    assertThat(verifier("other").verify("GET", "127.0.0.1:8089", PATH, null, auth)).isEqualTo("signature does not verify");
    assertThat(verifier("cs").verify("GET", "127.0.0.1:8089", PATH + "x", null, auth)).isEqualTo("signature does not verify");
    assertThat(verifier("cs").verify("GET", "127.0.0.1:9999", PATH, null, auth)).isEqualTo("signature does not verify");
    assertThat(verifier("cs").verify("PUT", "127.0.0.1:8089", PATH, null, auth)).isEqualTo("signature does not verify");
    EdgeGridVerifier once = verifier("cs");
    assertThat(once.verify("GET", "127.0.0.1:8089", PATH, null, auth)).isNull();
    assertThat(once.verify("GET", "127.0.0.1:8089", PATH, null, auth)).isEqualTo("nonce reused");
    assertThat(verifier("cs").verify("GET", "127.0.0.1:8089", PATH, null, null)).contains("missing");
  }
}
