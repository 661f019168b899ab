package dev.edgeperimeter.authorizer.hardening;

import static dev.edgeperimeter.authorizer.support.HandlerFixture.SAMPLE_TIME;
import static dev.edgeperimeter.authorizer.support.HandlerFixture.event;
import static dev.edgeperimeter.authorizer.support.HandlerFixture.invoke;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgeperimeter.authorizer.HttpApiAuthorizerHandler;
import dev.edgeperimeter.authorizer.RestRequestAuthorizerHandler;
import dev.edgeperimeter.authorizer.RestTokenAuthorizerHandler;
import dev.edgeperimeter.authorizer.support.HandlerFixture;
import dev.edgeperimeter.authorizer.support.Minter;
import dev.edgeperimeter.authorizer.support.Sink;
import dev.edgeperimeter.testsupport.MotoExtension;
import dev.edgeperimeter.testsupport.MotoServer;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every resource of an answered policy starts with the event's {@code methodArn} / {@code routeArn}
 * up to its stage, so that part must name exactly one API stage. An ARN whose region, account, API
 * id or stage holds an IAM wildcard ({@code *}, {@code ?}), of another service, with a short account
 * or with parts missing never reaches a policy: the REST REQUEST, REST TOKEN and HTTP API (iam)
 * handlers answer Unauthorized ({@code malformed}), though the assertion itself is valid.
 */
@ExtendWith(MotoExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("Hardening: methodArn / routeArn must name exactly one API stage")
class MethodArnHardeningTest {
  private HandlerFixture fixture;
  private Sink sink;

  @BeforeAll
  void setUp(MotoServer server) {
    fixture = new HandlerFixture(server);
  }

  @BeforeEach
  void listen() {
    sink = new Sink();
  }

  /** One broken ARN: how it is derived from a well-formed one. */
  private record Breakage(String name, UnaryOperator<String> apply) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** Replaces field {@code index} of {@code arn:partition:service:region:account:resource}. */
  private static UnaryOperator<String> field(int index, String value) {
    return arn -> {
      String[] f = arn.split(":", 6);
      f[index] = value;
      return String.join(":", f);
    };
  }

  /** Replaces segment {@code index} (0 api id, 1 stage) of the resource part. */
  private static UnaryOperator<String> segment(int index, String value) {
    return arn -> {
      int colon = arn.lastIndexOf(':', arn.indexOf('/'));
      String[] s = arn.substring(colon + 1).split("/", -1);
      s[index] = value;
      return arn.substring(0, colon + 1) + String.join("/", s);
    };
  }

  static Stream<Breakage> breakages() {
    return Stream.of(
        new Breakage("account *", field(4, "*")),
        new Breakage("account with ?", field(4, "12345678901?")),
        new Breakage("account with *", field(4, "1234*")),
        new Breakage("short account", field(4, "12345")),
        new Breakage("empty account", field(4, "")),
        new Breakage("region *", field(3, "*")),
        new Breakage("region with ?", field(3, "us-east-?")),
        new Breakage("empty region", field(3, "")),
        new Breakage("partition *", field(1, "*")),
        new Breakage("service lambda", field(2, "lambda")),
        new Breakage("service execute-api*", field(2, "execute-api*")),
        new Breakage("api id *", segment(0, "*")),
        new Breakage("api id with ?", segment(0, "a1b2c3d4e?")),
        new Breakage("empty api id", segment(0, "")),
        new Breakage("stage *", segment(1, "*")),
        new Breakage("stage with ?", segment(1, "pro?")),
        new Breakage("stage with *", segment(1, "pr*")),
        new Breakage("no stage or method", arn -> arn.substring(0, arn.indexOf('/'))),
        new Breakage("not an ARN", arn -> "a1b2c3d4e5/prod/GET/orders/42"),
        new Breakage("arn: prefix only", arn -> "arn:aws:execute-api"),
        new Breakage("six fields but no resource", arn -> arn.substring(0, arn.lastIndexOf(':') + 1)));
  }

  static Stream<Arguments> handlersAndBreakages() {
    return Stream.of("REST REQUEST", "REST TOKEN", "HTTP API (iam)")
        .flatMap(h -> breakages().map(b -> Arguments.of(h, b)));
  }

  private RequestStreamHandler handler(String kind) {
    return switch (kind) {
      case "REST REQUEST" -> new RestRequestAuthorizerHandler(fixture.pipeline(SAMPLE_TIME, Map.of()));
      case "REST TOKEN" -> new RestTokenAuthorizerHandler(fixture.pipeline(SAMPLE_TIME, Map.of()));
      default -> new HttpApiAuthorizerHandler(fixture.pipeline(SAMPLE_TIME, Map.of("HTTP_API_RESPONSE", "iam")));
    };
  }

  /** The handler's sample event with its ARN passed through {@code change}. */
  private static byte[] sample(String kind, UnaryOperator<String> change) throws Exception {
    String file = switch (kind) {
      case "REST REQUEST" -> "rest-request.json";
      case "REST TOKEN" -> "rest-token.json";
      default -> "http-api-v2.json";
    };
    ObjectNode ev = (ObjectNode) Minter.JSON.readTree(event(file));
    String member = ev.has("routeArn") ? "routeArn" : "methodArn";
    ev.put(member, change.apply(ev.get(member).asText()));
    return Minter.JSON.writeValueAsBytes(ev);
  }

  @ParameterizedTest(name = "{0}: the sample ARN is allowed")
  @MethodSource("handlers")
  void theSampleArnsStillWork(String kind) throws Exception {
    var response = invoke(handler(kind), sample(kind, UnaryOperator.identity()));
    assertThat(response.at("/policyDocument/Statement/0/Effect").asText()).isEqualTo("Allow");
  }

  static Stream<String> handlers() {
    return Stream.of("REST REQUEST", "REST TOKEN", "HTTP API (iam)");
  }

  @ParameterizedTest(name = "{0}: {1} -> Unauthorized")
  @MethodSource("handlersAndBreakages")
  void aBrokenArnIsUnauthorized(String kind, Breakage breakage) throws Exception {
    RequestStreamHandler handler = handler(kind);
    byte[] event = sample(kind, breakage.apply());
    sink.clear();
    assertThatThrownBy(() -> invoke(handler, event)).isExactlyInstanceOf(RuntimeException.class)
        .hasMessage("Unauthorized");
    assertThat(sink.logs()).anyMatch(l -> l.path("reason").asText().equals("malformed"));
  }
}
