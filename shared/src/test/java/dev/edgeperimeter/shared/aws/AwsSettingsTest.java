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
  @DisplayName("AWS_USE_FIPS_ENDPOINT and AWS_USE_DUALSTACK_ENDPOINT reach the SDK's endpoint resolution")
  void fipsAndDualstack() {
    AwsSettings s = AwsSettings.fromEnvironment(Env.of(Map.of("AWS_REGION", "us-east-1",
        "AWS_USE_FIPS_ENDPOINT", "true", "AWS_USE_DUALSTACK_ENDPOINT", "true")));
    assertThat(s.fips()).isTrue();
    assertThat(s.dualstack()).isTrue();
    AwsClients clients = new AwsClients(s);
    java.util.List<String> hosts = new java.util.ArrayList<>();
    software.amazon.awssdk.core.interceptor.ExecutionInterceptor capture =
        new software.amazon.awssdk.core.interceptor.ExecutionInterceptor() {
          @Override
          public void beforeTransmission(software.amazon.awssdk.core.interceptor.Context.BeforeTransmission context,
              software.amazon.awssdk.core.interceptor.ExecutionAttributes attributes) {
            hosts.add(context.httpRequest().host());
            throw new IllegalStateException("captured");
          }
        };
    try (var kms = clients.configure(software.amazon.awssdk.services.kms.KmsClient.builder())
        .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
            software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("a", "b")))
        .overrideConfiguration(clients.overrideConfiguration().toBuilder().addExecutionInterceptor(capture).build())
        .httpClient(clients.httpClient()).build()) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> kms.listKeys()).hasMessageContaining("captured");
    }
    assertThat(hosts).first().asString().contains("fips").contains("api.aws");
    assertThatThrownBy(() -> AwsSettings.fromEnvironment(Env.of(Map.of("AWS_REGION", "us-east-1",
        "AWS_USE_FIPS_ENDPOINT", "maybe")))).hasMessageStartingWith("AWS_USE_FIPS_ENDPOINT");
  }

  @Test
  @DisplayName("a missing region or a bad endpoint is a configuration error naming the variable")
  void errors() {
    assertThatThrownBy(() -> AwsSettings.fromEnvironment(Env.of(Map.of()))).hasMessageStartingWith("AWS_REGION");
    assertThatThrownBy(() -> AwsSettings.fromEnvironment(Env.of(Map.of("AWS_REGION", "us-east-1",
        "AWS_ENDPOINT_URL", "not a url")))).hasMessageStartingWith("AWS_ENDPOINT_URL");
    assertThatThrownBy(() -> AwsSettings.fromEnvironment(Env.of(Map.of("AWS_REGION", "us-east-1",
        "AWS_ENDPOINT_URL", "http://127.0.0.1:5000/?x=1")))).hasMessageStartingWith("AWS_ENDPOINT_URL");
    assertThatThrownBy(() -> AwsSettings.fromEnvironment(Env.of(Map.of("AWS_REGION", "not-a-region"))))
        .hasMessageStartingWith("AWS_REGION");
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

  @Test
  @DisplayName("with SnapStart (no keys in the environment) the SDK clients take the container credentials endpoint")
  void containerCredentialsForSnapStart() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("AWS_ACCESS_KEY_ID") == null,
        "the process environment has keys, which the chain prefers");
    com.sun.net.httpserver.HttpServer endpoint = com.sun.net.httpserver.HttpServer.create(
        new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
    java.util.List<String> tokens = new java.util.ArrayList<>();
    endpoint.createContext("/2021-04-23/credentials", exchange -> {
      tokens.add(exchange.getRequestHeaders().getFirst("Authorization"));
      byte[] body = ("{\"AccessKeyId\":\"ASIACONTAINER\",\"SecretAccessKey\":\"s\",\"Token\":\"t\","
          + "\"Expiration\":\"" + java.time.Instant.now().plusSeconds(3600) + "\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    endpoint.start();
    java.util.Map<String, String> saved = new java.util.HashMap<>();
    for (String p : new String[] {"aws.accessKeyId", "aws.secretAccessKey", "aws.sessionToken",
        "aws.containerCredentialsFullUri", "aws.containerAuthorizationToken"}) {
      saved.put(p, System.getProperty(p));
      System.clearProperty(p);
    }
    try {
      System.setProperty("aws.containerCredentialsFullUri",
          "http://127.0.0.1:" + endpoint.getAddress().getPort() + "/2021-04-23/credentials");
      System.setProperty("aws.containerAuthorizationToken", "snapstart-token");
      RestorableCredentials chain = new RestorableCredentials();
      var credentials = AwsSettings.fromEnvironment(Env.of(Map.of("AWS_REGION", "us-east-1")), chain).credentials()
          .resolveCredentials();
      assertThat(credentials.accessKeyId()).isEqualTo("ASIACONTAINER");
      assertThat(tokens).isNotEmpty().allMatch("snapstart-token"::equals);
      // a SnapStart restore forgets what was resolved before the snapshot: the next call fetches anew
      int before = tokens.size();
      chain.resolveCredentials();
      assertThat(tokens).as("cached until forgotten").hasSize(before);
      chain.forget();
      chain.resolveCredentials();
      assertThat(tokens.size()).as("fetched again after forget()").isGreaterThan(before);
    } finally {
      endpoint.stop(0);
      saved.forEach((p, v) -> {
        if (v == null) {
          System.clearProperty(p);
        } else {
          System.setProperty(p, v);
        }
      });
    }
  }
}
