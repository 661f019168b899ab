package dev.edgeperimeter.rotation.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgeperimeter.rotation.FaultHook;
import dev.edgeperimeter.rotation.KeyRotator;
import dev.edgeperimeter.rotation.RotationCommand;
import dev.edgeperimeter.rotation.RotationPolicy;
import dev.edgeperimeter.rotation.RotationResult;
import dev.edgeperimeter.rotation.Trigger;
import dev.edgeperimeter.rotation.edge.EdgeKeyPublisher;
import dev.edgeperimeter.rotation.edge.EdgeKvPublisher;
import dev.edgeperimeter.rotation.edge.EdgeKvTarget;
import dev.edgeperimeter.rotation.edge.KeyWrapper;
import dev.edgeperimeter.rotation.edge.SecretsManagerPublishSecrets;
import dev.edgeperimeter.shared.aws.AwsClients;
import dev.edgeperimeter.shared.crypto.Base64Url;
import dev.edgeperimeter.shared.keys.KeyMaterialCipher;
import dev.edgeperimeter.shared.keys.KeyRecord;
import dev.edgeperimeter.shared.keys.KeyState;
import dev.edgeperimeter.shared.keys.KeyStore;
import dev.edgeperimeter.testsupport.MotoServer;
import dev.edgeperimeter.testsupport.MutableClock;
import dev.edgeperimeter.testsupport.SamTemplate;
import dev.edgeperimeter.testsupport.TemplateResources;
import dev.edgeperimeter.testsupport.edgekv.EdgeKvStandIn;
import dev.edgeperimeter.testsupport.proxy.SerializingProxy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * One isolated rotation world per test: a key table and KMS key created in moto from
 * {@code template.yaml} ({@code KeyTable}, {@code KeyMaterialKey}), a publish secret in Secrets
 * Manager pointing at an {@link EdgeKvStandIn}, a settable clock, recorded telemetry and a
 * replaceable fault hook.
 *
 * <p>Every AWS call of the world goes through a {@link SerializingProxy} in front of moto, so
 * that conditional writes are atomic as in DynamoDB while concurrent runs really run concurrently
 * (moto alone lets two conditional writers both win).
 */
public final class RotationFixture implements AutoCloseable {
  public static final String KEY_SET = "edge-origin";
  public static final EdgeKvTarget TARGET = new EdgeKvTarget("edge-perimeter", "edge-keys", "current",
      List.of("staging", "production"));
  public static final EdgeKvPublisher.Timing FAST = new EdgeKvPublisher.Timing(3, Duration.ZERO, 3, Duration.ZERO,
      Duration.ofSeconds(5));
  private static final ObjectMapper MAPPER = new ObjectMapper();

  public final MotoServer moto;
  /** The serializing proxy every AWS call of this world goes through. */
  public final SerializingProxy proxy;
  public final AwsClients clients;
  public final DynamoDbClient dynamo;
  public final KmsClient kms;
  public final SecretsManagerClient secrets;
  public final String table;
  public final String kmsKeyId;
  public final String secretId;
  public final byte[] wrappingKey;
  public final EdgeKvStandIn edge;
  public final MutableClock clock;
  public final RecordingTelemetry telemetry = new RecordingTelemetry();
  public final KeyMaterialCipher cipher;
  private volatile FaultHook faults = FaultHook.NONE;
  private final List<DynamoDbClient> containerClients = new CopyOnWriteArrayList<>();

  public RotationFixture(MotoServer moto, Instant start) {
    this.moto = moto;
    this.proxy = SerializingProxy.inFrontOf(moto);
    this.clients = proxy.clients();
    TemplateResources resources = new TemplateResources(SamTemplate.load(), clients);
    this.table = resources.createTable("KeyTable", "keys-" + UUID.randomUUID());
    this.kmsKeyId = resources.createKmsKey("KeyMaterialKey");
    this.dynamo = clients.dynamoDb();
    this.kms = clients.kms();
    this.secrets = clients.configure(SecretsManagerClient.builder()).httpClient(clients.httpClient()).build();
    this.wrappingKey = new byte[32];
    new SecureRandom().nextBytes(wrappingKey);
    this.edge = EdgeKvStandIn.builder().namespaces(TARGET.namespace()).build().start();
    this.secretId = "edge-publish-" + UUID.randomUUID();
    secrets.createSecret(r -> r.name(secretId).secretString(edge.secretJson(Base64Url.encode(wrappingKey))));
    this.clock = new MutableClock(start);
    this.cipher = new KeyMaterialCipher(kms, kmsKeyId);
  }

  /**
   * Points the AWS SDK's default credentials at moto's: {@code AwsSettings} reads them from the
   * process environment or these system properties (for tests that build the Lambda handler).
   */
  public static void useMotoCredentials() {
    System.setProperty("aws.accessKeyId", MotoServer.ACCESS_KEY);
    System.setProperty("aws.secretAccessKey", MotoServer.SECRET_KEY);
  }

  /**
   * The environment the Lambda handler is configured with for this world: moto's endpoint and
   * region, the table, the KMS key and the publish secret (EdgeKV publisher).
   */
  public Map<String, String> handlerEnvironment() {
    Map<String, String> env = proxy.environment(moto);
    env.put("POWERTOOLS_SERVICE_NAME", "key-rotation");
    env.put("KEY_TABLE_NAME", table);
    env.put("KMS_KEY_ID", kmsKeyId);
    env.put("EDGE_PUBLISHER", "edgekv");
    env.put("EDGE_PUBLISH_SECRET_ID", secretId);
    return env;
  }

  /** Makes the fault hook throw before {@code step} (once), to simulate a crash between steps. */
  public void failBefore(dev.edgeperimeter.rotation.RotationStep step) {
    faults = (s, kid) -> {
      if (s == step) {
        faults = FaultHook.NONE;
        throw new IllegalStateException("simulated crash before " + step);
      }
    };
  }

  public EdgeKvPublisher publisher() {
    return new EdgeKvPublisher(new SecretsManagerPublishSecrets(secrets, secretId, Duration.ofMinutes(5), clock),
        TARGET, FAST, d -> { }, () -> java.net.http.HttpClient.newHttpClient());
  }

  public KeyRotator rotator() {
    return rotator(publisher());
  }

  /**
   * The common starting point of the scenario tests: a key set bootstrapped in October 2026
   * (its CURRENT kid is returned), telemetry and the edge's request log cleared, and the clock
   * moved to the monthly schedule of {@code next}.
   */
  public String bootstrappedInOctober(KeyRotator rotator, Instant next) {
    String kid = rotator.execute(new RotationCommand.Bootstrap(Trigger.operator("setup"), YearMonth.of(2026, 10))).kid();
    telemetry.clear();
    edge.clearRequests();
    clock.set(next);
    return kid;
  }

  public KeyRotator rotator(EdgeKeyPublisher publisher) {
    return rotator(dynamo, publisher);
  }

  /**
   * A rotator as another Lambda container runs it: its own DynamoDB client (own connections),
   * the same table, KMS key, edge, clock and telemetry.
   */
  public KeyRotator containerRotator() {
    DynamoDbClient own = new AwsClients(proxy.settings()).dynamoDb();
    containerClients.add(own);
    return rotator(own, publisher());
  }

  private KeyRotator rotator(DynamoDbClient client, EdgeKeyPublisher publisher) {
    return KeyRotator.create(client, table, cipher, publisher, telemetry, RotationPolicy.defaults(KEY_SET), clock,
        (step, kid) -> faults.before(step, kid));
  }

  public RotationResult scheduled(KeyRotator rotator, String eventId) {
    return rotator.execute(new RotationCommand.Rotate(Trigger.schedule(eventId),
        YearMonth.from(clock.instant().atZone(java.time.ZoneOffset.UTC)), false));
  }

  public List<KeyRecord> keys() {
    return new KeyStore(dynamo, table).load(KEY_SET);
  }

  /** kid → state of every key row. */
  public Map<String, KeyState> states() {
    return keys().stream().collect(Collectors.toMap(KeyRecord::kid, KeyRecord::state, (a, b) -> a, TreeMap::new));
  }

  public List<KeyRecord> inState(KeyState state) {
    return keys().stream().filter(k -> k.state() == state).toList();
  }

  public KeyRecord key(String kid) {
    return keys().stream().filter(k -> k.kid().equals(kid)).findFirst().orElseThrow();
  }

  /** The kids the origin accepts now: shared {@code KeyStore.load} + {@code KeyRecord.acceptedAt}. */
  public Set<String> acceptedNow() {
    long now = clock.instant().getEpochSecond();
    return keys().stream().filter(k -> k.acceptedAt(now)).map(KeyRecord::kid).collect(Collectors.toSet());
  }

  /** The EdgeKV item on {@code network} as JSON, if written. */
  public Optional<JsonNode> edgeItem(String network) {
    return edge.item(network, TARGET.namespace(), TARGET.group(), TARGET.item()).map(json -> {
      try {
        return MAPPER.readTree(json);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  public Optional<String> edgeKid(String network) {
    return edgeItem(network).map(item -> item.get("kid").asText());
  }

  /** Unwraps the edge item's key as the EdgeWorker would. */
  public byte[] edgeMaterial(String network) {
    JsonNode item = edgeItem(network).orElseThrow();
    return KeyWrapper.unwrap(wrappingKey, item.get("kid").asText(), item.get("k").asText());
  }

  public byte[] tableMaterial(String kid) {
    return cipher.decrypt(KEY_SET, kid, key(kid).encryptedMaterial());
  }

  /** The raw row {@code sk} of the key set (helper rows included). */
  public Map<String, AttributeValue> row(String sk) {
    return dynamo.getItem(r -> r.tableName(table).key(Map.of("pk", AttributeValue.fromS("KEYSET#" + KEY_SET),
        "sk", AttributeValue.fromS(sk))).consistentRead(true)).item();
  }

  @Override
  public void close() {
    edge.close();
    containerClients.forEach(DynamoDbClient::close);
    dynamo.close();
    kms.close();
    secrets.close();
    proxy.close();
  }
}
