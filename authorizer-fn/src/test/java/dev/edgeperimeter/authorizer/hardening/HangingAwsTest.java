package dev.edgeperimeter.authorizer.hardening;

import static dev.edgeperimeter.authorizer.support.Cores.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.edgeperimeter.authorizer.RestRequestAuthorizerHandler;
import dev.edgeperimeter.authorizer.core.AuthRequest;
import dev.edgeperimeter.authorizer.core.AuthorizerConfig;
import dev.edgeperimeter.authorizer.core.Reason;
import dev.edgeperimeter.authorizer.support.CountingClients;
import dev.edgeperimeter.authorizer.support.Minter;
import dev.edgeperimeter.authorizer.support.MotoKeys;
import dev.edgeperimeter.authorizer.support.SilentEndpoint;
import dev.edgeperimeter.authorizer.support.Sink;
import dev.edgeperimeter.authorizer.support.TestContext;
import dev.edgeperimeter.authorizer.wiring.Authorizer;
import dev.edgeperimeter.shared.config.Env;
import dev.edgeperimeter.shared.keys.KeyState;
import dev.edgeperimeter.testsupport.MotoExtension;
import dev.edgeperimeter.testsupport.MotoServer;
import dev.edgeperimeter.testsupport.MutableClock;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A DynamoDB or KMS that accepts connections and never answers cannot make the function outlast
 * its timeout: one deadline bounds the whole key refresh (the query and every decrypt), on a cold
 * start too, so the first request is answered Unauthorized ({@code keys_unavailable}, a 401), never
 * a Lambda timeout (API Gateway's 500). The bound is the function's {@code Timeout} in template.yaml,
 * 6 s: this is the one test that measures time, because that bound is the acceptance criterion.
 */
@ExtendWith(MotoExtension.class)
@DisplayName("Hardening: a hanging DynamoDB or KMS yields a 401 within the function's 6 s timeout")
class HangingAwsTest {
  /** The authorizer function's {@code Timeout} in template.yaml. */
  private static final Duration FUNCTION_TIMEOUT = Duration.ofSeconds(6);
  private static final String KID = "k-hang.cur";

  private final MotoServer server;
  private SilentEndpoint silent;
  private MotoKeys keys;
  private Sink sink;

  HangingAwsTest(MotoServer server) {
    this.server = server;
  }

  @BeforeEach
  void setUp() {
    silent = new SilentEndpoint();
    keys = new MotoKeys(server, "hanging");
    keys.put(KID, KeyState.CURRENT, Minter.key(KID), Minter.NOW + 86_400);
    keys.put("k-hang.next", KeyState.NEXT, Minter.key("k-hang.next"), Minter.NOW + 86_400);
    keys.put("k-hang.prev", KeyState.PREVIOUS, Minter.key("k-hang.prev"), Minter.NOW + 86_400);
    sink = new Sink();
  }

  @AfterEach
  void tearDown() {
    silent.close();
  }

  private static String assertion() {
    long now = java.time.Instant.now().getEpochSecond();
    var c = Minter.claims("GET", "/orders/42");
    c.put("iat", now - 5);
    c.put("exp", now + 55);
    return Minter.sign(Minter.key(KID), Minter.header(KID), c);
  }

  private static byte[] event() {
    return Minter.json(Map.of("type", "REQUEST", "methodArn", Minter.arn("GET", "/orders/42"), "path", "/orders/42",
        "httpMethod", "GET", "headers", Map.of("X-Edge-Assertion", assertion()),
        "requestContext", Map.of("requestId", "hang-1"))).getBytes(StandardCharsets.UTF_8);
  }

  @Test
  @DisplayName("cold start, DynamoDB hangs: the function as Lambda builds it answers 401 keys_unavailable within 6 s")
  void coldStartWithAHangingDynamoDbAnswers401() {
    Map<String, String> env = new HashMap<>(keys.edgeEnvironment());
    env.put("AWS_REGION", MotoServer.REGION.id());
    env.put("AWS_ENDPOINT_URL", silent.uri().toString());
    String[] credentials = {"aws.accessKeyId", "aws.secretAccessKey"};
    for (String property : credentials) {
      System.setProperty(property, "testing"); // the default chain's first source
    }
    try {
      assertTimeoutPreemptively(FUNCTION_TIMEOUT, () -> {
        Authorizer authorizer = Authorizer.fromEnvironment(Env.of(env));
        RestRequestAuthorizerHandler handler = new RestRequestAuthorizerHandler(authorizer.pipeline());
        assertThatThrownBy(() -> handler.handleRequest(new ByteArrayInputStream(event()), new ByteArrayOutputStream(),
            new TestContext("hang-1"))).isExactlyInstanceOf(RuntimeException.class).hasMessage("Unauthorized");
      });
    } finally {
      for (String property : credentials) {
        System.clearProperty(property);
      }
    }
    assertThat(silent.connections()).as("the calls went to the hanging endpoint").isPositive();
    assertThat(sink.logs()).anyMatch(l -> l.path("reason").asText().equals("keys_unavailable"));
  }

  @Test
  @DisplayName("DynamoDB answers, KMS hangs: the query and every decrypt share one deadline; 401 within 6 s")
  void aHangingKmsBehindAnAnsweringDynamoDbAnswers401() {
    AuthorizerConfig config = AuthorizerConfig.fromEnv(Env.of(keys.edgeEnvironment()));
    CountingClients dynamo = new CountingClients(server);
    CountingClients kms = CountingClients.at(server, silent.uri());
    Authorizer authorizer = Authorizer.create(config, dynamo.keyStore(config), kms.cipher(config), null,
        MutableClock.at(Minter.NOW));
    assertTimeoutPreemptively(FUNCTION_TIMEOUT, () -> assertRejected(authorizer.pipeline().core().decide(
        AuthRequest.of("GET", "/orders/42", Minter.sign(Minter.key(KID), Minter.header(KID), Minter.claims("GET", "/orders/42")),
            null, Minter.arn("GET", "/orders/42"))), Reason.KEYS_UNAVAILABLE));
    assertThat(dynamo.calls("DynamoDB.Query")).isPositive();
    assertThat(kms.calls("KMS.Decrypt")).isPositive();
  }
}
