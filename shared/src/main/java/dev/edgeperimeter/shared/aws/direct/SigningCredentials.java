package dev.edgeperimeter.shared.aws.direct;

import java.time.Instant;
import java.util.Optional;

/**
 * One set of AWS credentials for signing: access key, secret key, optional session token, and when
 * they stop being valid (empty for long-lived keys).
 */
public record SigningCredentials(String accessKeyId, String secretAccessKey, Optional<String> sessionToken,
    Optional<Instant> expiration) {

  public SigningCredentials {
    if (accessKeyId == null || accessKeyId.isBlank() || secretAccessKey == null || secretAccessKey.isBlank()) {
      throw new IllegalArgumentException("an access key id and a secret access key are required");
    }
    sessionToken = sessionToken == null || sessionToken.isEmpty() || sessionToken.get().isBlank()
        ? Optional.empty() : sessionToken;
    expiration = expiration == null ? Optional.empty() : expiration;
  }

  public static SigningCredentials of(String accessKeyId, String secretAccessKey, String sessionToken) {
    return new SigningCredentials(accessKeyId, secretAccessKey, Optional.ofNullable(sessionToken), Optional.empty());
  }

  /** Never prints the secret or the token. */
  @Override
  public String toString() {
    return "SigningCredentials[" + accessKeyId + ", token=" + sessionToken.isPresent() + ", expires=" + expiration + "]";
  }
}
