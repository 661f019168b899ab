package dev.edgeperimeter.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.edgeperimeter.rotation.edge.EdgeKvPublisher;
import dev.edgeperimeter.rotation.edge.SecretsManagerPublishSecrets;
import dev.edgeperimeter.rotation.support.RotationFixture;
import dev.edgeperimeter.shared.crypto.Base64Url;
import dev.edgeperimeter.shared.keys.KeyRecord;
import dev.edgeperimeter.shared.keys.KeyState;
import dev.edgeperimeter.testsupport.MotoExtension;
import dev.edgeperimeter.testsupport.MotoServer;
import dev.edgeperimeter.testsupport.SamTemplate;
import dev.edgeperimeter.testsupport.edgekv.EdgeKvStandIn.RecordedRequest;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Publishing to the edge fails: the key stays NEXT, the run fails loudly, the next run completes. */
@ExtendWith(MotoExtension.class)
class EdgePublishFailureTest {
  private final MotoServer moto;
  private RotationFixture world;
  private KeyRotator rotator;
  private String k1;

  EdgePublishFailureTest(MotoServer moto) {
    this.moto = moto;
  }

  @BeforeEach
  void setUp() {
    world = new RotationFixture(moto, Instant.parse("2026-10-10T10:00:00Z"));
    rotator = world.rotator();
    k1 = world.bootstrappedInOctober(rotator, Instant.parse("2026-11-01T03:00:00Z"));
  }

  @AfterEach
  void tearDown() {
    world.close();
  }

  @Test
  @DisplayName("EdgeKV answering 500 past the retries: key stays NEXT, RotationFailed, exception; the rerun completes")
  void serverErrorsThenRecovery() {
    world.edge.failNext(100, 500);
    assertThatThrownBy(() -> world.scheduled(rotator, "evt-1"))
        .isInstanceOf(RotationException.class)
        .hasMessageContaining("staging write")
        .hasMessageContaining("HTTP 500")
        .hasMessageContaining("after 3 attempts")
        .satisfies(e -> assertThat(((RotationException) e).step()).isEqualTo(RotationStep.PUBLISH));
    assertThat(world.telemetry.count("RotationFailed")).isEqualTo(1);
    KeyRecord pending = world.inState(KeyState.NEXT).get(0);
    assertThat(world.inState(KeyState.CURRENT)).extracting(KeyRecord::kid).containsExactly(k1);
    assertThat(world.edgeKid("staging")).contains(k1);
    assertThat(world.acceptedNow()).containsExactlyInAnyOrder(k1, pending.kid());

    world.edge.clearFailures();
    RotationResult rerun = world.scheduled(rotator, "evt-1");
    assertThat(rerun.outcome()).isEqualTo("ROTATED");
    assertThat(rerun.kid()).isEqualTo(pending.kid());
    assertThat(world.edgeKid("production")).contains(pending.kid());
    assertThat(world.key(k1).state()).isEqualTo(KeyState.PREVIOUS);
  }

  @Test
  @DisplayName("a failure on production after staging succeeded leaves the key NEXT; the rerun completes both")
  void productionFailsAfterStaging() {
    world.edge.failNetwork("production", 100, 503);
    assertThatThrownBy(() -> world.scheduled(rotator, "evt-1"))
        .isInstanceOf(RotationException.class)
        .hasMessageContaining("production write");
    String pending = world.inState(KeyState.NEXT).get(0).kid();
    assertThat(world.edgeKid("staging")).contains(pending);
    assertThat(world.edgeKid("production")).contains(k1);
    assertThat(world.inState(KeyState.CURRENT)).extracting(KeyRecord::kid).containsExactly(k1);

    world.edge.clearFailures();
    world.edge.clearRequests();
    assertThat(world.scheduled(rotator, "evt-1").outcome()).isEqualTo("ROTATED");
    assertThat(world.edgeKid("production")).contains(pending);
    assertThat(world.edge.requests()).extracting(RecordedRequest::method, RecordedRequest::path)
        .containsExactly(
            tuple("PUT", RotationFixture.TARGET.path("staging")), tuple("GET", RotationFixture.TARGET.path("staging")),
            tuple("PUT", RotationFixture.TARGET.path("production")),
            tuple("GET", RotationFixture.TARGET.path("production")));
    assertThat(world.edge.requests()).extracting(RecordedRequest::status).containsOnly(200);
  }

  @Test
  @DisplayName("throttling (429) and server errors are retried within the run")
  void transientErrorsAreRetried() {
    world.edge.failNext(1, 429);
    RotationResult result = world.scheduled(rotator, "evt-1");
    assertThat(result.outcome()).isEqualTo("ROTATED");
    assertThat(world.edge.requests()).extracting(RecordedRequest::status).startsWith(429, 200);
    assertThat(world.telemetry.count("RotationFailed")).isZero();
  }

  @Test
  @DisplayName("a read that still returns the old kid is re-read until the new kid appears")
  void staleReadsAreAwaited() {
    world.edge.staleReads(2);
    RotationResult result = world.scheduled(rotator, "evt-1");
    assertThat(result.outcome()).isEqualTo("ROTATED");
    assertThat(world.edge.requests()).extracting(RecordedRequest::method)
        .containsExactly("PUT", "GET", "GET", "GET", "PUT", "GET", "GET", "GET");
  }

  @Test
  @DisplayName("rejected credentials (401) fail at once, without retries and without secrets in the message")
  void badCredentialsFailFast() {
    world.secrets.putSecretValue(r -> r.secretId(world.secretId).secretString(
        world.edge.secretJson(Base64Url.encode(world.wrappingKey))
            .replace(world.edge.credentials().clientSecret(), "d3Jvbmc=")));
    KeyRotator fresh = world.rotator();
    assertThatThrownBy(() -> world.scheduled(fresh, "evt-1"))
        .isInstanceOf(RotationException.class)
        .hasMessageContaining("HTTP 401")
        .hasMessageNotContaining("d3Jvbmc=")
        .hasMessageNotContaining(Base64Url.encode(world.wrappingKey));
    assertThat(world.edge.requests()).hasSize(1);
    assertThat(world.inState(KeyState.NEXT)).hasSize(1);
  }

  @Test
  @DisplayName("a malformed publish secret fails the publish step and names the field, not the value")
  void malformedSecret() {
    world.secrets.putSecretValue(r -> r.secretId(world.secretId).secretString(
        "{\"host\":\"h\",\"client_token\":\"a\",\"client_secret\":\"b\",\"access_token\":\"c\",\"wrapping_key\":\"short\"}"));
    KeyRotator fresh = world.rotator();
    assertThatThrownBy(() -> world.scheduled(fresh, "evt-1"))
        .isInstanceOf(RotationException.class)
        .hasMessageContaining("'wrapping_key'")
        .hasMessageNotContaining("short\"");
    assertThat(world.inState(KeyState.CURRENT)).extracting(KeyRecord::kid).containsExactly(k1);
  }

  @Test
  @DisplayName("the template's REPLACE_ME placeholder secret fails the publish step naming the unfilled fields; nothing is sent")
  void placeholderSecretNamesTheFields() {
    String placeholder = String.valueOf(SamTemplate.load().properties("EdgePublishSecret").get("SecretString"));
    assertThat(placeholder).contains("REPLACE_ME");
    world.secrets.putSecretValue(r -> r.secretId(world.secretId).secretString(placeholder));
    KeyRotator fresh = world.rotator();
    assertThatThrownBy(() -> world.scheduled(fresh, "evt-1"))
        .isInstanceOf(RotationException.class)
        .hasMessageContaining("placeholder")
        .hasMessageContaining("'host'")
        .hasMessageContaining("'client_token'")
        .hasMessageContaining("'client_secret'")
        .hasMessageContaining("'access_token'")
        .hasMessageContaining("'wrapping_key'")
        .hasMessageContaining(world.secretId);
    assertThat(world.edge.requests()).isEmpty();
    assertThat(world.inState(KeyState.CURRENT)).extracting(KeyRecord::kid).containsExactly(k1);
  }

  @Test
  @DisplayName("a publish that keeps waiting for the edge stops at its time budget instead of running into the function timeout")
  void publishStopsAtItsTimeBudget() {
    world.edge.staleReads(1_000);
    java.util.concurrent.atomic.AtomicLong nanos = new java.util.concurrent.atomic.AtomicLong();
    EdgeKvPublisher.Timing slow = new EdgeKvPublisher.Timing(3, Duration.ZERO, 1_000, Duration.ofSeconds(2),
        Duration.ofSeconds(5), Duration.ofSeconds(30));
    EdgeKvPublisher publisher = new EdgeKvPublisher(
        new SecretsManagerPublishSecrets(world.secrets, world.secretId, Duration.ofMinutes(5), world.clock),
        RotationFixture.TARGET, slow, d -> nanos.addAndGet(d.toNanos()), java.net.http.HttpClient::newHttpClient,
        nanos::get);
    KeyRotator bounded = world.rotator(publisher);
    assertThatThrownBy(() -> world.scheduled(bounded, "evt-1"))
        .isInstanceOf(RotationException.class)
        .hasMessageContaining("time budget")
        .hasMessageContaining("staging");
    assertThat(Duration.ofNanos(nanos.get())).isLessThanOrEqualTo(Duration.ofSeconds(30));
    assertThat(world.edge.requests()).hasSizeLessThan(20);
    assertThat(world.inState(KeyState.CURRENT)).extracting(KeyRecord::kid).containsExactly(k1);
  }

  @Test
  @DisplayName("the default publish budget plus one request fits, with margin, in the template's key-rotation Timeout")
  void defaultBudgetFitsTheFunctionTimeout() {
    int timeoutSeconds = Integer.parseInt(String.valueOf(
        SamTemplate.load().functionProperty("KeyRotationFunction", "Timeout").orElseThrow()));
    EdgeKvPublisher.Timing timing = EdgeKvPublisher.Timing.DEFAULT;
    // a revocation whose publish fails still has to revoke afterwards: keep 15 s for DynamoDB and KMS
    assertThat(timing.totalBudget().plus(timing.requestTimeout()).plusSeconds(15))
        .isLessThanOrEqualTo(Duration.ofSeconds(timeoutSeconds));
  }
}
