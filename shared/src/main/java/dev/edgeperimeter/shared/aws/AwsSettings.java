package dev.edgeperimeter.shared.aws;

import dev.edgeperimeter.shared.config.Env;
import java.net.URI;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.SystemPropertyCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * Where and as whom the AWS clients talk: region, optional endpoint override and credentials.
 *
 * <p>In Lambda the region and credentials come from the runtime's environment variables
 * ({@code AWS_REGION}, {@code AWS_ACCESS_KEY_ID}, ...). {@code LOCAL_AWS_ENDPOINT_URL} (declared,
 * empty, in template.yaml so that {@code sam local invoke --env-vars} may set it), else
 * {@code AWS_ENDPOINT_URL}, else the system property {@code aws.endpointUrl}, points every client
 * at a local emulator such as moto.
 * Credentials are resolved on each request, never captured, so a SnapStart snapshot holds none.
 */
public record AwsSettings(Region region, Optional<URI> endpointOverride, AwsCredentialsProvider credentials) {

  public AwsSettings {
    if (region == null) {
      throw new IllegalArgumentException("region is required");
    }
    endpointOverride = endpointOverride == null ? Optional.empty() : endpointOverride;
    if (credentials == null) {
      throw new IllegalArgumentException("credentials are required");
    }
  }

  /**
   * Settings from the Lambda (or shell) environment. Credentials: the environment variables, then
   * the {@code aws.*} system properties, then the container credentials endpoint
   * ({@code AWS_CONTAINER_CREDENTIALS_FULL_URI}), which is where a Lambda function with SnapStart
   * gets them: such a function has no {@code AWS_ACCESS_KEY_ID} in its environment.
   */
  public static AwsSettings fromEnvironment(Env env) {
    AwsEnvironment where = AwsEnvironment.fromEnvironment(env);
    AwsCredentialsProvider credentials = AwsCredentialsProviderChain.builder()
        .reuseLastProviderEnabled(false)
        .credentialsProviders(EnvironmentVariableCredentialsProvider.create(), SystemPropertyCredentialsProvider.create(),
            ContainerCredentialsProvider.builder().build())
        .build();
    return new AwsSettings(Region.of(where.region()), where.endpointOverride(), credentials);
  }
}
