package dev.edgeperimeter.rotation;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.edgeperimeter.rotation.edge.EdgeKvPublisher;
import dev.edgeperimeter.shared.keys.KeyMaterialCipher;
import dev.edgeperimeter.shared.keys.KeyRecord;
import dev.edgeperimeter.shared.keys.KeyState;
import dev.edgeperimeter.shared.keys.KeyTable;
import dev.edgeperimeter.shared.snapstart.PrimingSteps;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.kms.model.DecryptRequest;
import software.amazon.awssdk.services.kms.model.EncryptRequest;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueRequest;

/**
 * SnapStart priming ({@code org.crac}): before the snapshot, runs the cold paths of an invocation
 * that need no network once, so their classes are loaded and initialised in the snapshot:
 * <ul>
 *   <li>{@code commands}: JSON text of every event shape (scheduled event, rotate, revoke, status,
 *       bootstrap, and a refused one) read with the project's Jackson factory and parsed by the
 *       {@link CommandParser};</li>
 *   <li>{@code results}: a {@link RotationResult} mapped and written as JSON;</li>
 *   <li>{@code edge-json}: the publish secret parser and the EdgeKV item writer and reader;</li>
 *   <li>{@code aws-models}: the DynamoDB, KMS and Secrets Manager request and exception classes the
 *       function uses, and the key table item mapping.</li>
 * </ul>
 * Nothing that must differ per restored instance is captured: no AWS call is made (so no
 * credentials are resolved and no connection is opened), the EdgeKV HTTP client and publish secret
 * stay unbuilt, and no randomness is drawn or {@code SecureRandom} created (the EdgeGrid signer's
 * random nonce and the AES-GCM wrap are deliberately not run; key material and IVs come from a
 * {@code SecureRandom} created per use). Every failure is swallowed: priming never breaks a
 * deployment.
 */
public final class Priming extends PrimingSteps {
  private static final TypeReference<Map<String, Object>> EVENT = new TypeReference<>() { };
  private static final List<String> EVENTS = List.of(
      "{\"version\":\"0\",\"id\":\"priming\",\"detail-type\":\"Scheduled Event\",\"source\":\"aws.events\","
          + "\"account\":\"000000000000\",\"time\":\"2026-11-01T03:00:00Z\",\"region\":\"us-east-1\","
          + "\"resources\":[\"arn:aws:events:us-east-1:000000000000:rule/priming\"],\"detail\":{}}",
      "{\"action\":\"rotate\",\"force\":true,\"operator\":\"priming\"}",
      "{\"action\":\"rotate\",\"trigger\":\"priming\"}",
      "{\"action\":\"revoke\",\"kid\":\"2026-11.priming\",\"reason\":\"priming\"}",
      "{\"action\":\"status\"}",
      "{\"action\":\"bootstrap\"}",
      "{\"action\":\"rotate\",\"froce\":true}");

  private final CommandParser parser;

  /** The steps, in order: {@code commands}, {@code results}, {@code edge-json}, {@code aws-models}. */
  Priming(CommandParser parser) {
    this.parser = parser;
    step("commands", this::primeCommands);
    step("results", Priming::primeResults);
    step("edge-json", () -> "priming".equals(EdgeKvPublisher.primeJson()));
    step("aws-models", Priming::primeAwsModels);
  }

  private boolean primeCommands() throws Exception {
    int parsed = 0;
    for (String json : EVENTS) {
      Map<String, Object> event = RotationJson.MAPPER.readValue(json, EVENT);
      try {
        parser.parse(event);
        parsed++;
      } catch (IllegalArgumentException refused) {
        // the refused shape: its message path is warmed too
      }
    }
    return parsed == EVENTS.size() - 1;
  }

  private static boolean primeResults() throws Exception {
    RotationResult result = new RotationResult("status", "STATUS", KeyTable.DEFAULT_KEY_SET, "2026-11",
        "2026-11.priming", List.of("2026-11.priming: NEXT -> CURRENT"), "priming", Map.of("keys", List.of()));
    return !RotationJson.MAPPER.writeValueAsString(result.toMap()).isEmpty();
  }

  private static boolean primeAwsModels() {
    String table = "priming";
    Instant now = Instant.EPOCH;
    KeyRecord record = new KeyRecord(KeyTable.DEFAULT_KEY_SET, "2026-11.priming", KeyTable.ALG_HS256, KeyState.NEXT,
        new byte[] {0}, now, Optional.empty(), Optional.empty(), 0, Optional.empty(), 1);
    Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> item = KeyTable.toItem(record);
    boolean mapped = KeyTable.fromItem(KeyTable.DEFAULT_KEY_SET, item).isPresent();
    Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> key =
        KeyTable.key(KeyTable.DEFAULT_KEY_SET, record.kid());
    GetItemRequest.builder().tableName(table).key(key).consistentRead(true).build();
    QueryRequest.builder().tableName(table).keyConditionExpression("#pk = :pk")
        .expressionAttributeNames(Map.of("#pk", KeyTable.PK)).expressionAttributeValues(Map.of(":pk", KeyTable.s("x")))
        .consistentRead(true).build();
    UpdateItemRequest.builder().tableName(table).key(key).updateExpression("SET #a = :a").build();
    TransactWriteItemsRequest.builder().transactItems(
        TransactWriteItem.builder().put(Put.builder().tableName(table).item(item).build()).build(),
        TransactWriteItem.builder().update(Update.builder().tableName(table).key(key).updateExpression("SET #a = :a")
            .build()).build()).build();
    TransactionCanceledException.builder().message("priming").build();
    ConditionalCheckFailedException.builder().message("priming").build();
    EncryptRequest.builder().keyId("priming").plaintext(SdkBytes.fromByteArray(new byte[1]))
        .encryptionContext(KeyMaterialCipher.encryptionContext(KeyTable.DEFAULT_KEY_SET, record.kid())).build();
    DecryptRequest.builder().ciphertextBlob(SdkBytes.fromByteArray(new byte[1])).build();
    GetSecretValueRequest.builder().secretId("priming").build();
    return mapped;
  }
}
