package dev.edgeperimeter.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgeperimeter.shared.aws.AwsClients;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.kms.KmsClient;

/** Resources created in moto from template.yaml's own definitions. */
@ExtendWith(MotoExtension.class)
class TemplateResourcesTest {
  private final MotoServer moto;
  private final AwsClients clients;
  private final TemplateResources resources;

  TemplateResourcesTest(MotoServer moto) {
    this.moto = moto;
    this.clients = moto.clients();
    this.resources = new TemplateResources(SamTemplate.load(), clients);
  }

  @Test
  @DisplayName("the key table has the template's pk/sk schema, on-demand billing and TTL on expiresAt")
  void keyTableFromTemplate() {
    resources.createTable("KeyTable", "tr-key-table");
    try (DynamoDbClient dynamo = clients.dynamoDb()) {
      TableDescription table = dynamo.describeTable(r -> r.tableName("tr-key-table")).table();
      assertThat(table.keySchema()).extracting(k -> k.attributeName() + ":" + k.keyType())
          .containsExactly("pk:" + KeyType.HASH, "sk:" + KeyType.RANGE);
      assertThat(table.billingModeSummary().billingModeAsString()).isEqualTo("PAY_PER_REQUEST");
      assertThat(dynamo.describeTimeToLive(r -> r.tableName("tr-key-table")).timeToLiveDescription().attributeName())
          .isEqualTo("expiresAt");
    }
    assertThat(resources.createTable("KeyTable", "tr-key-table")).as("creating again is a no-op").isEqualTo("tr-key-table");
  }

  @Test
  @DisplayName("the KMS key and the edge log group (with the template's retention) are created")
  void kmsKeyAndLogGroup() {
    String keyId = resources.createKmsKey("KeyMaterialKey");
    try (KmsClient kms = clients.kms()) {
      assertThat(kms.describeKey(r -> r.keyId(keyId)).keyMetadata().enabled()).isTrue();
    }
    resources.createLogGroup("EdgeLogGroup", "/tr/edge");
    try (CloudWatchLogsClient logs = clients.configure(CloudWatchLogsClient.builder())
        .httpClient(clients.httpClient()).build()) {
      assertThat(logs.describeLogGroups(r -> r.logGroupNamePrefix("/tr/edge")).logGroups())
          .singleElement().satisfies(g -> assertThat(g.retentionInDays()).isEqualTo(90));
    }
  }

  @Test
  @DisplayName("the moto server answers on loopback and gives SDK settings pointing at it")
  void serverSettings() {
    assertThat(moto.endpoint().getHost()).isEqualTo("127.0.0.1");
    assertThat(moto.settings().endpointOverride()).contains(moto.endpoint());
    assertThat(moto.environment()).containsEntry("AWS_ENDPOINT_URL", moto.endpoint().toString());
  }
}
