package dev.edgeperimeter.shared.aws;

import dev.edgeperimeter.shared.config.Env;
import java.net.URI;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
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

  /** Settings from the Lambda (or shell) environment. */
  public static AwsSettings fromEnvironment(Env env) {
    String region = env.optional("AWS_REGION").or(() -> env.optional("AWS_DEFAULT_REGION")).orElse(null);
    if (region == null) {
      throw env.invalid("AWS_REGION", "is not set (Lambda sets it; set it for local runs, e.g. us-east-1)");
    }
    Optional<URI> endpoint = env.optional("LOCAL_AWS_ENDPOINT_URL")
        .map(value -> env.uri("LOCAL_AWS_ENDPOINT_URL", value))
        .or(() -> env.optional("AWS_ENDPOINT_URL").map(value -> env.uri("AWS_ENDPOINT_URL", value)))
        .or(() -> Optional.ofNullable(System.getProperty("aws.endpointUrl")).map(value -> env.uri("aws.endpointUrl", value)));
    AwsCredentialsProvider credentials = AwsCredentialsProviderChain.builder()
        .reuseLastProviderEnabled(false)
        .credentialsProviders(EnvironmentVariableCredentialsProvider.create(), SystemPropertyCredentialsProvider.create())
        .build();
    return new AwsSettings(Region.of(region), endpoint, credentials);
  }
}
