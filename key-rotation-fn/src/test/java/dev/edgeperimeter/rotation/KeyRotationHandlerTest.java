package dev.edgeperimeter.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgeperimeter.rotation.support.RotationFixture;
import dev.edgeperimeter.shared.config.ConfigException;
import dev.edgeperimeter.shared.config.Env;
import dev.edgeperimeter.shared.keys.KeyState;
import dev.edgeperimeter.testsupport.MotoExtension;
import dev.edgeperimeter.testsupport.MotoServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The Lambda handler end to end with the sample events in events/key-rotation/, against moto and the EdgeKV stand-in. */
@ExtendWith(MotoExtension.class)
class KeyRotationHandlerTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final MotoServer moto;
  private RotationFixture world;

  KeyRotationHandlerTest(MotoServer moto) {
    this.moto = moto;
  }

  @BeforeEach
  void setUp() {
    RotationFixture.useMotoCredentials();
    world = new RotationFixture(moto, Instant.parse("2026-10-20T10:00:00Z"));
  }

  @AfterEach
  void tearDown() {
    world.close();
  }

  private Map<String, String> env() {
    return world.handlerEnvironment();
  }

  private KeyRotationHandler handler(Instant now) {
    return new KeyRotationHandler(Env.of(env()), Clock.fixed(now, ZoneOffset.UTC));
  }

  static Map<String, Object> event(String name) throws IOException {
    Path dir = Path.of("").toAbsolutePath();
    while (!Files.isDirectory(dir.resolve("events/key-rotation"))) {
      dir = dir.getParent();
    }
    return MAPPER.readValue(dir.resolve("events/key-rotation").resolve(name).toFile(), new TypeReference<>() { });
  }

  @Test
  @DisplayName("bootstrap, the scheduled event (twice), status and revoke through the handler")
  void sampleEvents() throws IOException {
    Map<String, Object> boot = handler(Instant.parse("2026-10-20T10:00:00Z")).handleRequest(event("bootstrap.json"), null);
    assertThat(boot).containsEntry("outcome", "BOOTSTRAPPED");
    String k1 = (String) boot.get("kid");

    KeyRotationHandler monthly = handler(Instant.parse("2026-11-01T03:00:04Z"));
    Map<String, Object> rotated = monthly.handleRequest(event("scheduled-monthly.json"), null);
    assertThat(rotated).containsEntry("outcome", "ROTATED").containsEntry("period", "2026-11");
    assertThat(monthly.handleRequest(event("scheduled-monthly.json"), null)).containsEntry("outcome", "ALREADY_ROTATED");
    assertThat(monthly.handleRequest(event("rotate-schedule-input.json"), null)).containsEntry("outcome", "ALREADY_ROTATED");
    String k2 = (String) rotated.get("kid");
    assertThat(world.edgeKid("production")).contains(k2);

    Map<String, Object> daily = handler(Instant.parse("2026-11-03T03:30:00Z")).handleRequest(event("status-daily-check.json"), null);
    assertThat(daily).containsEntry("outcome", "STATUS");
    assertThat(daily.get("changes")).isEqualTo(List.of(k1 + ": PREVIOUS -> RETIRED"));

    Map<String, Object> revoke = new HashMap<>(event("revoke.json"));
    revoke.put("kid", k2);
    Map<String, Object> revoked = handler(Instant.parse("2026-11-04T09:00:00Z")).handleRequest(revoke, null);
    assertThat(revoked).containsEntry("outcome", "REVOKED");
    assertThat(world.key(k2).state()).isEqualTo(KeyState.REVOKED);
    assertThat(world.inState(KeyState.CURRENT)).hasSize(1);

    assertThat(handler(Instant.parse("2026-11-04T09:00:00Z")).handleRequest(event("status.json"), null))
        .containsKeys("keys", "edgeKid").doesNotContainKey("material");
  }

  @Test
  @DisplayName("a malformed operator event is refused naming the field and changes nothing")
  void malformedEvent() throws IOException {
    KeyRotationHandler handler = handler(Instant.parse("2026-11-01T03:00:00Z"));
    assertThatThrownBy(() -> handler.handleRequest(event("malformed-unknown-field.json"), null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("froce");
    assertThatThrownBy(() -> handler.handleRequest(Map.of("action", "revoke", "kid", "x"), null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("field 'reason'");
    assertThat(world.keys()).isEmpty();
  }

  @Test
  @DisplayName("a failed rotation propagates as an exception (EventBridge retries, DLQ)")
  void failurePropagates() throws IOException {
    handler(Instant.parse("2026-10-20T10:00:00Z")).handleRequest(event("bootstrap.json"), null);
    world.edge.failNext(1000, 500);
    KeyRotationHandler handler = new KeyRotationHandler(Env.of(env()), Clock.fixed(Instant.parse("2026-11-01T03:00:00Z"),
        ZoneOffset.UTC));
    assertThatThrownBy(() -> handler.handleRequest(event("scheduled-monthly.json"), null))
        .isInstanceOf(RotationException.class)
        .hasMessageContaining("HTTP 500");
    assertThat(world.inState(KeyState.NEXT)).hasSize(1);
  }

  @Test
  @DisplayName("configuration errors at cold start name the variable")
  void configErrors() {
    Map<String, String> env = env();
    env.remove("KEY_TABLE_NAME");
    assertThatThrownBy(() -> new KeyRotationHandler(Env.of(env), Clock.systemUTC()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("KEY_TABLE_NAME");
    Map<String, String> noSecret = env();
    noSecret.remove("EDGE_PUBLISH_SECRET_ID");
    assertThatThrownBy(() -> new KeyRotationHandler(Env.of(noSecret), Clock.systemUTC()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("EDGE_PUBLISH_SECRET_ID");
    Map<String, String> badNetworks = env();
    badNetworks.put("EDGEKV_NETWORKS", "staging,prod");
    assertThatThrownBy(() -> new KeyRotationHandler(Env.of(badNetworks), Clock.systemUTC()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("EDGEKV_NETWORKS");
    Map<String, String> shortLife = env();
    shortLife.put("KEY_LIFETIME_DAYS", "20");
    assertThatThrownBy(() -> new KeyRotationHandler(Env.of(shortLife), Clock.systemUTC()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("KEY_LIFETIME_DAYS");
    Map<String, String> none = env();
    none.put("EDGE_PUBLISHER", "none");
    none.remove("EDGE_PUBLISH_SECRET_ID");
    assertThat(new KeyRotationHandler(Env.of(none), Clock.systemUTC())).isNotNull();
  }
}
