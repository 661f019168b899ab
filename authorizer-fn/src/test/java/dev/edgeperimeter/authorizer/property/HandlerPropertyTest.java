package dev.edgeperimeter.authorizer.property;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.edgeperimeter.authorizer.HttpApiAuthorizerHandler;
import dev.edgeperimeter.authorizer.RestRequestAuthorizerHandler;
import dev.edgeperimeter.authorizer.RestTokenAuthorizerHandler;
import dev.edgeperimeter.authorizer.core.AuthRequest;
import dev.edgeperimeter.authorizer.core.AuthorizerCore;
import dev.edgeperimeter.authorizer.core.Decision;
import dev.edgeperimeter.authorizer.core.Reason;
import dev.edgeperimeter.authorizer.support.Cores;
import dev.edgeperimeter.authorizer.support.HandlerFixture;
import dev.edgeperimeter.authorizer.support.Minter;
import dev.edgeperimeter.authorizer.pipeline.AuthorizerPipeline;
import dev.edgeperimeter.testsupport.MotoServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Whatever a client sends - arbitrary header strings, byte soup as the event, events with hostile
 * values - a handler only allows, denies (policy or {@code isAuthorized:false}) or throws exactly
 * {@code RuntimeException("Unauthorized")}; and it never allows without a valid signature.
 */
class HandlerPropertyTest {
  private static MotoServer server;
  private static AuthorizerPipeline runtime;
  private static final AuthorizerCore CORE = Cores.edge();

  @BeforeContainer
  static void start() {
    server = MotoServer.start();
    runtime = new HandlerFixture(server).pipeline(HandlerFixture.SAMPLE_TIME, Map.of());
  }

  @AfterContainer
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Provide
  Arbitrary<String> headerValues() {
    Arbitrary<String> ascii = Arbitraries.strings().ascii().ofMaxLength(300);
    Arbitrary<String> any = Arbitraries.strings().ofMaxLength(300);
    Arbitrary<String> b64ish = Arbitraries.strings().withChars("ABCDEFabcdef0123456789-_.=+/").ofMaxLength(400);
    Arbitrary<String> mutated = Arbitraries.integers().between(0, 200).flatMap(i -> Arbitraries.chars().ascii()
        .map(c -> {
          String good = Cores.signed(Minter.claims("GET", "/orders/42"));
          int at = Math.min(i, good.length() - 1);
          return good.substring(0, at) + c + good.substring(at + 1);
        }));
    return Arbitraries.oneOf(ascii, any, b64ish, mutated);
  }

  @Property(tries = 400)
  void coreNeverAllowsAnArbitraryHeader(@ForAll("headerValues") String header, @ForAll("headerValues") String bearer) {
    String good = Cores.signed(Minter.claims("GET", "/orders/42"));
    Decision d = CORE.decide(AuthRequest.of("GET", "/orders/42", header, bearer.isEmpty() ? null : bearer,
        Minter.arn("GET", "/orders/42")));
    assertThat(d.reason()).isNotEqualTo(Reason.INTERNAL_ERROR);
    if (!header.equals(good)) {
      assertThat(d.outcome()).isEqualTo(Decision.Outcome.UNAUTHORIZED);
    }
  }

  @Provide
  Arbitrary<byte[]> events() {
    Arbitrary<byte[]> soup = Arbitraries.bytes().array(byte[].class).ofMaxSize(2000);
    Arbitrary<byte[]> jsonish = Arbitraries.strings().withChars("{}[]\":,0123456789abcdefnulltrue \\").ofMaxLength(500)
        .map(s -> s.getBytes(StandardCharsets.UTF_8));
    Arbitrary<byte[]> shaped = headerValues().flatMap(h -> Arbitraries.of("TOKEN", "REQUEST", "2.0").flatMap(kind ->
        Arbitraries.strings().ofMaxLength(60).map(path -> shapedEvent(kind, h, path))));
    return Arbitraries.oneOf(soup, jsonish, shaped);
  }

  private static byte[] shapedEvent(String kind, String header, String path) {
    Map<String, Object> e = new LinkedHashMap<>();
    switch (kind) {
      case "TOKEN" -> {
        e.put("type", "TOKEN");
        e.put("authorizationToken", header);
        e.put("methodArn", Minter.arn("GET", path));
      }
      case "REQUEST" -> {
        e.put("type", "REQUEST");
        e.put("methodArn", Minter.arn("GET", path));
        e.put("path", path);
        e.put("httpMethod", "GET");
        e.put("headers", Map.of("X-Edge-Assertion", header, "Authorization", "Bearer " + header));
      }
      default -> {
        e.put("version", "2.0");
        e.put("routeArn", Minter.arn("GET", path));
        e.put("rawPath", path);
        e.put("headers", Map.of("x-edge-assertion", header));
        e.put("requestContext", Map.of("stage", "$default", "http", Map.of("method", "GET")));
      }
    }
    return Minter.json(e).getBytes(StandardCharsets.UTF_8);
  }

  @Property(tries = 300)
  void handlersOnlyAllowDenyOrThrowUnauthorized(@ForAll("events") byte[] event) throws Exception {
    RequestStreamHandler[] handlers = {new RestTokenAuthorizerHandler(runtime), new RestRequestAuthorizerHandler(runtime),
        new HttpApiAuthorizerHandler(runtime)};
    for (RequestStreamHandler handler : handlers) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try {
        handler.handleRequest(new ByteArrayInputStream(event), out, null);
      } catch (RuntimeException e) {
        assertThat(e).isExactlyInstanceOf(RuntimeException.class).hasMessage("Unauthorized");
        continue;
      }
      String response = out.toString(StandardCharsets.UTF_8);
      var json = Minter.JSON.readTree(response);
      if (json.has("isAuthorized")) {
        assertThat(json.get("isAuthorized").asBoolean()).as(response).isFalse();
      } else {
        // only the real sample assertion could be allowed; generated input never carries it
        assertThat(json.at("/policyDocument/Statement/0/Effect").asText()).as(response).isNotEqualTo("Allow");
      }
    }
  }
}
