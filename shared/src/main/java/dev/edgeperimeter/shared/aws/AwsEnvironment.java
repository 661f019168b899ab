package dev.edgeperimeter.shared.aws;

import dev.edgeperimeter.shared.config.Env;
import java.net.URI;
import java.util.Optional;

/**
 * Where the AWS calls go, read from the environment without the SDK: the region
 * ({@code AWS_REGION}, else {@code AWS_DEFAULT_REGION}) and an optional endpoint override for a
 * local AWS such as moto ({@code LOCAL_AWS_ENDPOINT_URL}, else {@code AWS_ENDPOINT_URL}, else the
 * system property {@code aws.endpointUrl}). Both the SDK clients ({@link AwsSettings}) and the
 * authorizer's direct calls ({@code aws.direct}) read it here, so they always agree.
 */
public record AwsEnvironment(String region, Optional<URI> endpointOverride) {

  public AwsEnvironment {
    if (region == null || region.isBlank()) {
      throw new IllegalArgumentException("region is required");
    }
    endpointOverride = endpointOverride == null ? Optional.empty() : endpointOverride;
  }

  public static AwsEnvironment fromEnvironment(Env env) {
    String region = env.optional("AWS_REGION").orElse(env.optional("AWS_DEFAULT_REGION").orElse(null));
    if (region == null) {
      throw env.invalid("AWS_REGION", "is not set (Lambda sets it; set it for local runs, e.g. us-east-1)");
    }
    if (!region.matches("[a-z]{2,}(-[a-z]+)+-\\d{1,2}")) {
      throw env.invalid("AWS_REGION", "is not a region name like us-east-1: '" + region + "'");
    }
    Optional<URI> endpoint = env.optionalUri("LOCAL_AWS_ENDPOINT_URL");
    if (endpoint.isEmpty()) {
      endpoint = env.optionalUri("AWS_ENDPOINT_URL");
    }
    String property = System.getProperty("aws.endpointUrl");
    if (endpoint.isEmpty() && property != null && !property.isBlank()) {
      endpoint = Optional.of(env.uri("aws.endpointUrl", property.trim()));
    }
    if (endpoint.isPresent() && (endpoint.get().getRawQuery() != null || endpoint.get().getRawFragment() != null)) {
      throw env.invalid("AWS_ENDPOINT_URL", "must be a plain endpoint without a query or fragment: " + endpoint.get());
    }
    return new AwsEnvironment(region, endpoint);
  }
}
