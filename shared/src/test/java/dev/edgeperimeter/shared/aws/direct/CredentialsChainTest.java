package dev.edgeperimeter.shared.aws.direct;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.edgeperimeter.shared.config.Env;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the direct calls' credentials come from, as in Lambda with and without SnapStart. */
@DisplayName("Credentials: the Lambda chain (environment, system properties, container endpoint)")
class CredentialsChainTest {
  private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
  private HttpServer endpoint;
  private final List<String> authorizations = new ArrayList<>();
  private final AtomicReference<String> answer = new AtomicReference<>();

  @BeforeEach
  void startEndpoint() throws IOException {
    endpoint = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    endpoint.createContext("/2021-04-23/credentials", exchange -> {
      authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
      byte[] body = answer.get().getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(body.length == 0 ? 500 : 200, body.length == 0 ? -1 : body.length);
      if (body.length > 0) {
        exchange.getResponseBody().write(body);
      }
      exchange.close();
    });
    endpoint.start();
    answer.set(credentialsJson("ASIA1", NOW.plusSeconds(3600)));
  }

  @AfterEach
  void stopEndpoint() {
    endpoint.stop(0);
  }

  private static String credentialsJson(String keyId, Instant expiration) {
    return "{\"AccessKeyId\":\"" + keyId + "\",\"SecretAccessKey\":\"secret\",\"Token\":\"session\",\"Expiration\":\""
        + expiration + "\"}";
  }

  private Map<String, String> snapStartEnvironment() {
    Map<String, String> env = new HashMap<>();
    env.put("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:" + endpoint.getAddress().getPort()
        + "/2021-04-23/credentials");
    env.put("AWS_CONTAINER_AUTHORIZATION_TOKEN", "auth-token");
    return env;
  }

  private static LambdaCredentialsChain chain(Map<String, String> env, Instant at) {
    return new LambdaCredentialsChain(Env.of(env), Clock.fixed(at, ZoneOffset.UTC));
  }

  @Test
  @DisplayName("a function without SnapStart: the environment's keys and session token")
  void environmentVariables() {
    Map<String, String> env = snapStartEnvironment();
    env.putAll(Map.of("AWS_ACCESS_KEY_ID", "AKIAENV", "AWS_SECRET_ACCESS_KEY", "s", "AWS_SESSION_TOKEN", "t"));
    SigningCredentials c = chain(env, NOW).resolve();
    assertThat(c.accessKeyId()).isEqualTo("AKIAENV");
    assertThat(c.sessionToken()).contains("t");
    assertThat(authorizations).as("the endpoint is not asked when the environment has keys").isEmpty();
  }

  @Test
  @DisplayName("a SnapStart function: the container endpoint, with its authorization token, cached until near expiry")
  void containerEndpoint() {
    LambdaCredentialsChain chain = chain(snapStartEnvironment(), NOW);
    SigningCredentials c = chain.resolve();
    assertThat(c.accessKeyId()).isEqualTo("ASIA1");
    assertThat(c.sessionToken()).contains("session");
    assertThat(c.expiration()).contains(NOW.plusSeconds(3600));
    chain.resolve();
    assertThat(authorizations).containsExactly("auth-token");

    answer.set(credentialsJson("ASIA2", NOW.plusSeconds(7200)));
    LambdaCredentialsChain later = chain(snapStartEnvironment(), NOW);
    later.resolve();
    later.forget(); // after a SnapStart restore
    assertThat(later.resolve().accessKeyId()).isEqualTo("ASIA2");
  }

  @Test
  @DisplayName("credentials within 5 minutes of expiry are fetched again; a failed refresh keeps valid ones")
  void refreshBeforeExpiry() {
    LambdaCredentialsChain chain = chain(snapStartEnvironment(), NOW);
    answer.set(credentialsJson("ASIA-SHORT", NOW.plusSeconds(240)));
    chain.resolve();
    answer.set(credentialsJson("ASIA-NEW", NOW.plusSeconds(3600)));
    assertThat(chain.resolve().accessKeyId()).isEqualTo("ASIA-NEW");

    LambdaCredentialsChain other = chain(snapStartEnvironment(), NOW);
    answer.set(credentialsJson("ASIA-SHORT", NOW.plusSeconds(240)));
    other.resolve();
    answer.set(""); // the endpoint fails now
    assertThat(other.resolve().accessKeyId()).isEqualTo("ASIA-SHORT");
  }

  @Test
  @DisplayName("the token may come from AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")
  void tokenFile(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("token"), "file-token\n");
    Map<String, String> env = snapStartEnvironment();
    env.remove("AWS_CONTAINER_AUTHORIZATION_TOKEN");
    env.put("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", file.toString());
    chain(env, NOW).resolve();
    assertThat(authorizations).containsExactly("file-token");
  }

  @Test
  @DisplayName("no source at all, a plain-HTTP endpoint off this host, or garbage: a clear error, never a guess")
  void errors() {
    assertThatThrownBy(() -> chain(Map.of(), NOW).resolve())
        .isInstanceOf(AwsCallException.class).hasMessageContaining("AWS_CONTAINER_CREDENTIALS_FULL_URI");
    assertThatThrownBy(() -> chain(Map.of("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://198.51.100.7/creds"), NOW).resolve())
        .isInstanceOf(AwsCallException.class).hasMessageContaining("loopback");
    answer.set("{\"AccessKeyId\":\"A\"}");
    assertThatThrownBy(() -> chain(snapStartEnvironment(), NOW).resolve())
        .isInstanceOf(AwsCallException.class).hasMessageContaining("something else than credentials");
  }

  @Test
  @DisplayName("a relative container URI must be a path on the ECS endpoint: no host smuggled in")
  void relativeUriStaysOnTheEcsHost() {
    assertThatThrownBy(() -> chain(Map.of("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "@evil.example/x"), NOW).resolve())
        .isInstanceOf(AwsCallException.class).hasMessageContaining("must be a path starting with /");
  }

  @Test
  @DisplayName("credentials never print their secret or token")
  void noSecretsInToString() {
    assertThat(SigningCredentials.of("AKIA", "very-secret", "very-token").toString())
        .contains("AKIA").doesNotContain("very-secret").doesNotContain("very-token");
  }
}
