package dev.edgeperimeter.shared.aws.direct;

import dev.edgeperimeter.shared.config.Env;

/**
 * Where the credentials for a signed call come from. Asked before every call, so nothing is
 * captured in a SnapStart snapshot that must differ after the restore (see {@link #forget()}).
 */
public interface CredentialsSource {

  /**
   * The credentials to sign the next call with.
   *
   * @throws AwsCallException when none can be found or fetched (operation {@code Credentials.Resolve})
   */
  SigningCredentials resolve();

  /** Drops anything cached (after a SnapStart restore, or when AWS said the token expired). */
  default void forget() {
  }

  /** Always the same credentials (tests, local tools). */
  static CredentialsSource fixed(SigningCredentials credentials) {
    return () -> credentials;
  }

  /**
   * The Lambda chain, in the order the SDK's default chain uses for these sources: the
   * environment variables {@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY}/{@code AWS_SESSION_TOKEN}
   * (a Lambda function without SnapStart, {@code sam local invoke}), then the system properties
   * {@code aws.accessKeyId}/{@code aws.secretAccessKey}/{@code aws.sessionToken}, then the container
   * credentials endpoint ({@code AWS_CONTAINER_CREDENTIALS_FULL_URI} with
   * {@code AWS_CONTAINER_AUTHORIZATION_TOKEN[_FILE]}), which is the only source a SnapStart function has.
   */
  static CredentialsSource lambdaChain(Env env) {
    return new LambdaCredentialsChain(env);
  }
}
