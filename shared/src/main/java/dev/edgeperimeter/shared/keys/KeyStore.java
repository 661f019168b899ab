package dev.edgeperimeter.shared.keys;

import dev.edgeperimeter.shared.aws.AwsClients;
import dev.edgeperimeter.shared.time.Deadline;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * Reads a key set from the DynamoDB key table (contract section 1) with the AWS SDK: one strongly
 * consistent query, every page. Material stays encrypted. The one key-table reader of the project:
 * key rotation and the authorizer both read through it.
 */
public final class KeyStore implements KeySetSource {
  private final DynamoDbClient dynamo;
  private final String tableName;

  public KeyStore(DynamoDbClient dynamo, String tableName) {
    this.dynamo = dynamo;
    this.tableName = tableName;
  }

  @Override
  public List<KeyRecord> load(String keySet, Deadline deadline) {
    List<KeyRecord> keys = new ArrayList<>();
    Map<String, AttributeValue> start = null;
    do {
      QueryRequest.Builder request = QueryRequest.builder()
          .tableName(tableName)
          .keyConditionExpression("#pk = :pk AND begins_with(#sk, :prefix)")
          .expressionAttributeNames(Map.of("#pk", KeyTable.PK, "#sk", KeyTable.SK))
          .expressionAttributeValues(Map.of(
              ":pk", KeyTable.s(KeyTable.partitionKey(keySet)),
              ":prefix", KeyTable.s(KeyTableLayout.SORT_KEY_PREFIX)))
          .consistentRead(true);
      if (start != null) {
        request.exclusiveStartKey(start);
      }
      if (deadline.bounded()) {
        Duration budget = deadline.callBudget(AwsClients.API_CALL_TIMEOUT);
        request.overrideConfiguration(o -> o.apiCallTimeout(budget));
      }
      QueryResponse page = dynamo.query(request.build());
      for (Map<String, AttributeValue> item : page.items()) {
        KeyTable.fromItem(keySet, item).ifPresent(keys::add);
      }
      start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
    } while (start != null);
    return keys;
  }
}
