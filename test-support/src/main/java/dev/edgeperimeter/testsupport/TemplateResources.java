package dev.edgeperimeter.testsupport;

import static dev.edgeperimeter.testsupport.SamTemplate.list;
import static dev.edgeperimeter.testsupport.SamTemplate.map;

import dev.edgeperimeter.shared.aws.AwsClients;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceAlreadyExistsException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveSpecification;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyUsageType;

/**
 * Creates, in moto, the resources that {@code template.yaml} declares, from the template's own
 * definitions: key schema, attribute types, billing mode and TTL attribute of a table; key spec
 * and usage of a KMS key; retention of a log group. Tests and the local stack share this, so there
 * is no second hand-written copy of the infrastructure.
 */
public final class TemplateResources {
  private final SamTemplate template;
  private final AwsClients clients;

  public TemplateResources(SamTemplate template, AwsClients clients) {
    this.template = template;
    this.clients = clients;
  }

  /** Creates the DynamoDB table {@code logicalId} as {@code tableName}; an existing one is kept. */
  public String createTable(String logicalId, String tableName) {
    require(logicalId, "AWS::DynamoDB::Table");
    Map<String, Object> p = template.properties(logicalId);
    List<AttributeDefinition> attributes = list(p.get("AttributeDefinitions")).stream()
        .map(SamTemplate::map)
        .map(a -> AttributeDefinition.builder()
            .attributeName((String) a.get("AttributeName"))
            .attributeType(ScalarAttributeType.fromValue((String) a.get("AttributeType")))
            .build())
        .toList();
    List<KeySchemaElement> keySchema = list(p.get("KeySchema")).stream()
        .map(SamTemplate::map)
        .map(k -> KeySchemaElement.builder()
            .attributeName((String) k.get("AttributeName"))
            .keyType(KeyType.fromValue((String) k.get("KeyType")))
            .build())
        .toList();
    try (DynamoDbClient dynamo = clients.dynamoDb()) {
      try {
        dynamo.createTable(CreateTableRequest.builder()
            .tableName(tableName)
            .attributeDefinitions(attributes)
            .keySchema(keySchema)
            .billingMode(BillingMode.fromValue(String.valueOf(p.getOrDefault("BillingMode", "PAY_PER_REQUEST"))))
            .build());
      } catch (ResourceInUseException exists) {
        return tableName;
      }
      Map<String, Object> ttl = map(p.get("TimeToLiveSpecification"));
      if (Boolean.TRUE.equals(ttl.get("Enabled"))) {
        dynamo.updateTimeToLive(r -> r.tableName(tableName).timeToLiveSpecification(TimeToLiveSpecification.builder()
            .attributeName((String) ttl.get("AttributeName"))
            .enabled(true)
            .build()));
      }
    }
    return tableName;
  }

  /** Creates the KMS key {@code logicalId}; returns its key id. */
  public String createKmsKey(String logicalId) {
    require(logicalId, "AWS::KMS::Key");
    Map<String, Object> p = template.properties(logicalId);
    try (KmsClient kms = clients.kms()) {
      return kms.createKey(r -> r
              .description(String.valueOf(p.getOrDefault("Description", logicalId)))
              .keySpec(KeySpec.fromValue(String.valueOf(p.getOrDefault("KeySpec", "SYMMETRIC_DEFAULT"))))
              .keyUsage(KeyUsageType.fromValue(String.valueOf(p.getOrDefault("KeyUsage", "ENCRYPT_DECRYPT")))))
          .keyMetadata().keyId();
    }
  }

  /** Creates the log group {@code logicalId} as {@code name} with the template's retention. */
  public String createLogGroup(String logicalId, String name) {
    require(logicalId, "AWS::Logs::LogGroup");
    Object retention = template.resolver(Map.of(), Map.of()).evaluate(template.properties(logicalId).get("RetentionInDays"));
    try (CloudWatchLogsClient logs = clients.configure(CloudWatchLogsClient.builder())
        .httpClient(clients.httpClient()).build()) {
      try {
        logs.createLogGroup(r -> r.logGroupName(name));
      } catch (ResourceAlreadyExistsException exists) {
        return name;
      }
      if (retention != null) {
        int days = Integer.parseInt(String.valueOf(retention));
        logs.putRetentionPolicy(r -> r.logGroupName(name).retentionInDays(days));
      }
    }
    return name;
  }

  private void require(String logicalId, String type) {
    String actual = template.type(logicalId);
    if (!type.equals(actual)) {
      throw new IllegalArgumentException(logicalId + " is " + actual + ", not " + type);
    }
  }
}
