package dev.edgeperimeter.authorizer.support;

import dev.edgeperimeter.shared.keys.KeyMaterialCipher;
import dev.edgeperimeter.shared.keys.KeyRecord;
import dev.edgeperimeter.shared.keys.KeyState;
import dev.edgeperimeter.shared.keys.KeyTable;
import dev.edgeperimeter.testsupport.MotoServer;
import dev.edgeperimeter.testsupport.SamTemplate;
import dev.edgeperimeter.testsupport.TemplateResources;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * A key table and KMS key in moto, created from template.yaml ({@code KeyTable},
 * {@code KeyMaterialKey}), with rows written the way key rotation writes them: material encrypted
 * with {@link KeyMaterialCipher} under the contract's encryption context.
 */
public final class MotoKeys implements AutoCloseable {
  private static final AtomicInteger SEQ = new AtomicInteger();

  private final MotoServer server;
  private final String table;
  private final String kmsKeyId;
  private final String keySet;
  private final DynamoDbClient dynamo;
  private final KmsClient kms;
  private final KeyMaterialCipher cipher;

  public MotoKeys(MotoServer server, String prefix, String keySet) {
    this.server = server;
    this.keySet = keySet;
    TemplateResources resources = new TemplateResources(SamTemplate.load(), server.clients());
    this.table = resources.createTable("KeyTable", prefix + "-keys-" + SEQ.incrementAndGet() + "-" + System.nanoTime());
    this.kmsKeyId = resources.createKmsKey("KeyMaterialKey");
    this.dynamo = server.clients().dynamoDb();
    this.kms = server.clients().kms();
    this.cipher = new KeyMaterialCipher(kms, kmsKeyId);
  }

  public MotoKeys(MotoServer server, String prefix) {
    this(server, prefix, KeyTable.DEFAULT_KEY_SET);
  }

  public String table() {
    return table;
  }

  public String kmsKeyId() {
    return kmsKeyId;
  }

  public String keySet() {
    return keySet;
  }

  /** Writes (or overwrites) a key row. */
  public void put(String kid, KeyState state, byte[] material, long notAfter) {
    byte[] encrypted = cipher.encrypt(keySet, kid, material);
    KeyRecord r = new KeyRecord(keySet, kid, "HS256", state, encrypted, Instant.ofEpochSecond(notAfter - 100 * 86_400L),
        Optional.empty(), Optional.empty(), notAfter, Optional.empty(), 1);
    dynamo.putItem(b -> b.tableName(table).item(KeyTable.toItem(r)));
  }

  /** Changes only the state of a row (as a rotation or revocation does). */
  public void setState(String kid, KeyState state) {
    dynamo.updateItem(b -> b.tableName(table).key(KeyTable.key(keySet, kid))
        .updateExpression("SET #s = :s")
        .expressionAttributeNames(Map.of("#s", KeyTable.STATE))
        .expressionAttributeValues(Map.of(":s", KeyTable.s(state.name()))));
  }

  /** Environment for an authorizer on this table (AUTH_MODE edge; the vectors' issuer and audience). */
  public Map<String, String> edgeEnvironment() {
    Map<String, String> env = new HashMap<>();
    env.put("AUTH_MODE", "edge");
    env.put("KEY_TABLE_NAME", table);
    env.put("KEY_SET", keySet);
    env.put("KMS_KEY_ID", kmsKeyId);
    env.put("EDGE_ISSUERS", Minter.ISSUER);
    env.put("EDGE_AUDIENCE", Minter.AUDIENCE);
    env.put("POWERTOOLS_SERVICE_NAME", "authorizer");
    return env;
  }

  public MotoServer server() {
    return server;
  }

  @Override
  public void close() {
    dynamo.close();
    kms.close();
  }
}
