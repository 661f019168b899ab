package dev.edgeperimeter.testsupport.edgekv;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The verifier agrees with the official signer: the headers below were produced by
 * {@code com.akamai.edgegrid.signer.EdgeGridV1Signer} 6.0.2 ({@code getSignature(request, credential)})
 * for these credentials, requests and bodies, and are checked here byte for byte. (test-support
 * does not depend on the signer; local-tools' {@code EdgeKvStandInTest} signs live requests with it.)
 */
class EdgeGridVerifierTest {
  private static final EdgeKvCredentials CREDENTIALS = new EdgeKvCredentials("akab-client-token-vector",
      "c2VjcmV0LW9mLXRoZS12ZWN0b3I=", "akab-access-token-vector", "127.0.0.1:8089");
  private static final String HOST = "127.0.0.1:8089";
  private static final String PATH =
      "/edgekv/v1/networks/staging/namespaces/edge-perimeter/groups/edge-keys/items/current";
  private static final byte[] BODY = "{\"v\":1,\"kid\":\"2026-11.abc\"}".getBytes(StandardCharsets.UTF_8);
  private static final Instant SIGNED_AT = Instant.parse("2026-11-25T12:41:00Z");
  private static final String AUTH_DATA = "EG1-HMAC-SHA256 client_token=akab-client-token-vector;"
      + "access_token=akab-access-token-vector;timestamp=20261125T12:41:00+0000;";

  private static final String PUT = AUTH_DATA
      + "nonce=71ab9ebf-bbaf-4ecc-94a2-2910f957c043;signature=Cq+LOjs3kmmRtt1AfUhTbtuezy4vZHGjIE9EGLEh+i0=";
  private static final String GET_WITH_QUERY = AUTH_DATA
      + "nonce=315f94f5-a395-4ff8-9ad0-a2906f65936c;signature=Ln38KTiH1oDFIc/VWtwA6msqYwslUA1HOUiF/R/u7CA=";
  private static final String POST = AUTH_DATA
      + "nonce=4f328d43-d2ee-4a22-bf02-7ed8bb8d814e;signature=KjJFMr07qSGajyGWbS9cPmpoBkddkZF1gtGkjdcOK3I=";

  private static EdgeGridVerifier verifier(EdgeKvCredentials credentials) {
    return new EdgeGridVerifier(credentials, Duration.ofMinutes(5), 131_072);
  }

  private static Optional<String> verify(EdgeGridVerifier verifier, String method, String host, String pathAndQuery,
      byte[] body, String authorization, Instant now) {
    return verifier.verify(method, host, pathAndQuery, authorization, body, now).map(EdgeGridVerifier.Failure::detail);
  }

  @Test
  @DisplayName("a PUT (body not hashed), a GET with a query and a POST (body hashed) signed by EdgeGridV1Signer verify")
  void officialSignerOutputVerifies() {
    EdgeGridVerifier verifier = verifier(CREDENTIALS);
    assertThat(verify(verifier, "PUT", HOST, PATH, BODY, PUT, SIGNED_AT)).isEmpty();
    assertThat(verify(verifier, "GET", HOST, PATH + "?sandboxId=a%20b", new byte[0], GET_WITH_QUERY, SIGNED_AT))
        .isEmpty();
    assertThat(verify(verifier, "POST", HOST, PATH, BODY, POST, SIGNED_AT.plusSeconds(299))).isEmpty();
  }

  @Test
  @DisplayName("the PUT body is not signed, the POST body is")
  void onlyPostBodiesAreHashed() {
    byte[] other = "{\"v\":1,\"kid\":\"2026-11.xyz\"}".getBytes(StandardCharsets.UTF_8);
    assertThat(verify(verifier(CREDENTIALS), "PUT", HOST, PATH, other, PUT, SIGNED_AT)).isEmpty();
    assertThat(verify(verifier(CREDENTIALS), "POST", HOST, PATH, other, POST, SIGNED_AT))
        .contains("The signature does not match");
  }

  @Test
  @DisplayName("another secret, path, host or method, a replayed nonce, a stale timestamp and no header are refused")
  void refusals() {
    EdgeKvCredentials wrongSecret = new EdgeKvCredentials(CREDENTIALS.clientToken(), "d3Jvbmc=",
        CREDENTIALS.accessToken(), HOST);
    assertThat(verify(verifier(wrongSecret), "PUT", HOST, PATH, BODY, PUT, SIGNED_AT))
        .contains("The signature does not match");
    assertThat(verify(verifier(CREDENTIALS), "PUT", HOST, PATH + "x", BODY, PUT, SIGNED_AT))
        .contains("The signature does not match");
    assertThat(verify(verifier(CREDENTIALS), "PUT", "127.0.0.1:9999", PATH, BODY, PUT, SIGNED_AT))
        .contains("The signature does not match");
    assertThat(verify(verifier(CREDENTIALS), "GET", HOST, PATH, BODY, PUT, SIGNED_AT))
        .contains("The signature does not match");
    assertThat(verify(verifier(CREDENTIALS), "PUT", HOST, PATH, BODY, PUT, SIGNED_AT.plusSeconds(301)))
        .contains("Invalid timestamp");
    assertThat(verify(verifier(CREDENTIALS), "PUT", HOST, PATH, BODY, null, SIGNED_AT))
        .contains("Missing authorization header");
    EdgeGridVerifier once = verifier(CREDENTIALS);
    assertThat(verify(once, "PUT", HOST, PATH, BODY, PUT, SIGNED_AT)).isEmpty();
    assertThat(verify(once, "PUT", HOST, PATH, BODY, PUT, SIGNED_AT)).contains("Nonce already used");
  }
}
