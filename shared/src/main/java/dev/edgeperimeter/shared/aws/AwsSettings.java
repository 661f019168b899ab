package dev.edgeperimeter.shared.aws;

import dev.edgeperimeter.shared.config.Env;
import java.net.URI;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * Where and as whom the AWS clients talk: region, optional endpoint override, FIPS and dual-stack
 * endpoints, and credentials. Read once at cold start; a bad value is a configuration error naming
 * the variable.
 *
 * <ul>
 *   <li>{@code AWS_REGION} (Lambda sets it), else {@code AWS_DEFAULT_REGION}.</li>
 *   <li>{@code LOCAL_AWS_ENDPOINT_URL} (declared, empty, in template.yaml so that
 *       {@code sam local invoke --env-vars} may set it), else {@code AWS_ENDPOINT_URL}, else the
 *       system property {@code aws.endpointUrl}: every client goes to that endpoint (a local AWS
 *       such as moto).</li>
 *   <li>{@code AWS_USE_FIPS_ENDPOINT} and {@code AWS_USE_DUALSTACK_ENDPOINT} ({@code true} /
 *       {@code false}): the SDK resolves FIPS and IPv4+IPv6 endpoints.</li>
 *   <li>Credentials: the SDK's default chain ({@link RestorableCredentials}), which in Lambda with
 *       SnapStart ends at the container credentials endpoint.</li>
 * </ul>
 */
public record AwsSettings(Region region, Optional<URI> endpointOverride, AwsCredentialsProvider credentials,
    boolean fips, boolean dualstack) {

  public AwsSettings {
    if (region == null) {
      throw new IllegalArgumentException("region is required");
    }
    endpointOverride = endpointOverride == null ? Optional.empty() : endpointOverride;
    if (credentials == null) {
      throw new IllegalArgumentException("credentials are required");
    }
  }

  /** Standard endpoints (no FIPS, no dual-stack). */
  public AwsSettings(Region region, Optional<URI> endpointOverride, AwsCredentialsProvider credentials) {
    this(region, endpointOverride, credentials, false, false);
  }

  /** Settings from the Lambda (or shell) environment, credentials from the SDK's default chain. */
  public static AwsSettings fromEnvironment(Env env) {
    return fromEnvironment(env, new RestorableCredentials());
  }

  /** Settings from the environment with the given credentials. */
  public static AwsSettings fromEnvironment(Env env, AwsCredentialsProvider credentials) {
    String region = env.optional("AWS_REGION").orElse(env.optional("AWS_DEFAULT_REGION").orElse(null));
    if (region == null) {
      throw env.invalid("AWS_REGION", "is not set (Lambda sets it; set it for local runs, e.g. us-east-1)");
    }
    if (!region.matches("[a-z]{2,}(-[a-z]+)+-\\d{1,2}")) {
      throw env.invalid("AWS_REGION", "is not a region name like us-east-1: '" + region + "'");
    }
    Optional<URI> endpoint = env.optionalUri("LOCAL_AWS_ENDPOINT_URL");
    String endpointVariable = "LOCAL_AWS_ENDPOINT_URL";
    if (endpoint.isEmpty()) {
      endpoint = env.optionalUri("AWS_ENDPOINT_URL");
      endpointVariable = "AWS_ENDPOINT_URL";
    }
    String property = System.getProperty("aws.endpointUrl");
    if (endpoint.isEmpty() && property != null && !property.isBlank()) {
      endpoint = Optional.of(env.uri("aws.endpointUrl", property.trim()));
      endpointVariable = "aws.endpointUrl";
    }
    if (endpoint.isPresent() && (endpoint.get().getRawQuery() != null || endpoint.get().getRawFragment() != null)) {
      throw env.invalid(endpointVariable, "must be a plain endpoint without a query or fragment: " + endpoint.get());
    }
    boolean fips = env.bool("AWS_USE_FIPS_ENDPOINT", false);
    boolean dualstack = env.bool("AWS_USE_DUALSTACK_ENDPOINT", false);
    return new AwsSettings(Region.of(region), endpoint, credentials, fips, dualstack);
  }
}
