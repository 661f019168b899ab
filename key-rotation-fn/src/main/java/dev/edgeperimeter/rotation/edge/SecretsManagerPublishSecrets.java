package dev.edgeperimeter.rotation.edge;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Reads the publish secret from Secrets Manager and caches it per container for a short time, so
 * a rotated secret is picked up within {@code ttl}. Nothing is read before the first call (so a
 * SnapStart snapshot holds no credentials).
 */
public final class SecretsManagerPublishSecrets implements PublishSecretSource {
  private final SecretsManagerClient secrets;
  private final String secretId;
  private final Duration ttl;
  private final Clock clock;
  private PublishSecret cached;
  private Instant fetchedAt;

  public SecretsManagerPublishSecrets(SecretsManagerClient secrets, String secretId, Duration ttl, Clock clock) {
    this.secrets = secrets;
    this.secretId = secretId;
    this.ttl = ttl;
    this.clock = clock;
  }

  @Override
  public synchronized PublishSecret get() {
    Instant now = clock.instant();
    if (cached == null || !now.isBefore(fetchedAt.plus(ttl))) {
      String json = secrets.getSecretValue(r -> r.secretId(secretId)).secretString();
      if (json == null) {
        throw new IllegalArgumentException("secret " + secretId + " has no SecretString");
      }
      try {
        cached = PublishSecret.parse(json);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("secret " + secretId + ": " + e.getMessage());
      }
      fetchedAt = now;
    }
    return cached;
  }
}
