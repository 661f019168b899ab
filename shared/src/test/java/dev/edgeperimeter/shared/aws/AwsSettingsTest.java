package dev.edgeperimeter.shared.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgeperimeter.shared.config.Env;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;

class AwsSettingsTest {
  @Test
  @DisplayName("region from AWS_REGION, no endpoint override by default")
  void lambdaEnvironment() {
    AwsSettings s = AwsSettings.fromEnvironment(Env.of(Map.of("AWS_REGION", "eu-west-1")));
    assertThat(s.region()).isEqualTo(Region.EU_WEST_1);
    assertThat(s.endpointOverride()).isEmpty();
  }

  @Test
  @DisplayName("LOCAL_AWS_ENDPOINT_URL wins over AWS_ENDPOINT_URL; both point every client at a local AWS")
  void endpointOverride() {
    assertThat(AwsSettings.fromEnvironment(Env.of(Map.of("AWS_REGION", "us-east-1",
        "AWS_ENDPOINT_URL", "http://127.0.0.1:5000"))).endpointOverride())
        .contains(URI.create("http://127.0.0.1:5000"));
    assertThat(AwsSettings.fromEnvironment(Env.of(Map.of("AWS_REGION", "us-east-1",
        "AWS_ENDPOINT_URL", "http://127.0.0.1:5000", "LOCAL_AWS_ENDPOINT_URL", "http://127.0.0.1:6000"))).endpointOverride())
        .contains(URI.create("http://127.0.0.1:6000"));
  }

  @Test
  @DisplayName("a missing region or a bad endpoint is a configuration error naming the variable")
  void errors() {
    assertThatThrownBy(() -> AwsSettings.fromEnvironment(Env.of(Map.of()))).hasMessageStartingWith("AWS_REGION");
    assertThatThrownBy(() -> AwsSettings.fromEnvironment(Env.of(Map.of("AWS_REGION", "us-east-1",
        "AWS_ENDPOINT_URL", "not a url")))).hasMessageStartingWith("AWS_ENDPOINT_URL");
  }

  @Test
  @DisplayName("the factory builds clients with the override and the URL-connection HTTP client")
  void factory() {
    AwsClients clients = new AwsClients(AwsSettings.fromEnvironment(Env.of(Map.of("AWS_REGION", "us-east-1",
        "AWS_ENDPOINT_URL", "http://127.0.0.1:5000"))));
    try (var dynamo = clients.dynamoDb(); var kms = clients.kms()) {
      assertThat(dynamo.serviceClientConfiguration().endpointOverride()).contains(URI.create("http://127.0.0.1:5000"));
      assertThat(kms.serviceClientConfiguration().region()).isEqualTo(Region.US_EAST_1);
    }
    assertThat(clients.httpClient().clientName()).isEqualTo("UrlConnection");
  }
}
