package dev.edgeperimeter.authorizer.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgeperimeter.authorizer.support.Minter;
import dev.edgeperimeter.authorizer.support.MotoKeys;
import dev.edgeperimeter.shared.aws.AwsEnvironment;
import dev.edgeperimeter.shared.aws.direct.AwsCallException;
import dev.edgeperimeter.shared.aws.direct.AwsJsonClient;
import dev.edgeperimeter.shared.aws.direct.AwsJsonClient.Service;
import dev.edgeperimeter.shared.keys.KeyMaterialCipher;
import dev.edgeperimeter.shared.keys.KeyRecord;
import dev.edgeperimeter.shared.keys.KeyState;
import dev.edgeperimeter.shared.keys.KeyStore;
import dev.edgeperimeter.shared.keys.KeyStoreOverHttp;
import dev.edgeperimeter.shared.keys.KeyTable;
import dev.edgeperimeter.shared.keys.KmsDecryptOverHttp;
import dev.edgeperimeter.testsupport.LocalProcesses;
import dev.edgeperimeter.testsupport.MotoExtension;
import dev.edgeperimeter.testsupport.MotoServer;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * The authorizer's direct (SDK-free) DynamoDB Query and KMS Decrypt read exactly what the SDK-based
 * reader of key rotation reads, on moto; AWS errors arrive as {@link AwsCallException}s.
 */
@ExtendWith(MotoExtension.class)
@DisplayName("Key reads over signed HTTP: the same rows and material as the SDK, AWS errors mapped")
class KeyReadsOverHttpTest {
  private static final long NOW = Minter.NOW;

  private static AwsJsonClient client(MotoServer server, Service service, AwsJsonClient.Options options) {
    return new AwsJsonClient(service, server.awsEnvironment(), server.directCredentials(), options);
  }

  @Test
  @DisplayName("every well-formed row, in sort-key order, field for field as the SDK reads it; material decrypts alike")
  void sameRowsAsTheSdk(MotoServer server) {
    MotoKeys keys = new MotoKeys(server, "direct-read");
    keys.put("k-next", KeyState.NEXT, Minter.key("k-next"), NOW + 86_400);
    keys.put("k-cur", KeyState.CURRENT, Minter.key("k-cur"), NOW + 86_400);
    keys.put("k-old", KeyState.RETIRED, Minter.key("k-old"), NOW - 86_400);
    try (DynamoDbClient dynamo = server.clients().dynamoDb(); KmsClient kms = server.clients().kms()) {
      // rows that are not key rows: another set, and a malformed one (no material)
      dynamo.putItem(b -> b.tableName(keys.table()).item(Map.of(
          KeyTable.PK, AttributeValue.fromS("KEYSET#" + keys.keySet()),
          KeyTable.SK, AttributeValue.fromS("KEY#broken"),
          KeyTable.KID, AttributeValue.fromS("broken"))));
      dynamo.putItem(b -> b.tableName(keys.table()).item(Map.of(
          KeyTable.PK, AttributeValue.fromS("KEYSET#other"),
          KeyTable.SK, AttributeValue.fromS("KEY#x"))));

      List<KeyRecord> sdk = new KeyStore(dynamo, keys.table()).load(keys.keySet());
      List<KeyRecord> direct = new KeyStoreOverHttp(client(server, Service.DYNAMODB, AwsJsonClient.Options.DEFAULT),
          keys.table()).load(keys.keySet());

      assertThat(direct).extracting(KeyRecord::kid).containsExactly("k-cur", "k-next", "k-old");
      assertThat(direct).hasSameSizeAs(sdk);
      KmsDecryptOverHttp decrypter = new KmsDecryptOverHttp(client(server, Service.KMS, AwsJsonClient.Options.DEFAULT),
          keys.kmsKeyId());
      KeyMaterialCipher cipher = new KeyMaterialCipher(kms, keys.kmsKeyId());
      for (int i = 0; i < sdk.size(); i++) {
        KeyRecord a = sdk.get(i);
        KeyRecord b = direct.get(i);
        assertThat(b).usingRecursiveComparison().ignoringFields("encryptedMaterial").isEqualTo(a);
        assertThat(b.encryptedMaterial()).isEqualTo(a.encryptedMaterial());
        assertThat(decrypter.decrypt(b.keySet(), b.kid(), b.encryptedMaterial()))
            .isEqualTo(cipher.decrypt(a.keySet(), a.kid(), a.encryptedMaterial()))
            .isEqualTo(Minter.key(b.kid()));
      }
    }
  }

  @Test
  @DisplayName("a ciphertext under another row's encryption context does not decrypt (KMS says InvalidCiphertextException)")
  void encryptionContextIsBound(MotoServer server) {
    MotoKeys keys = new MotoKeys(server, "direct-context");
    keys.put("k-a", KeyState.CURRENT, Minter.key("k-a"), NOW + 86_400);
    KeyRecord row = new KeyStoreOverHttp(client(server, Service.DYNAMODB, AwsJsonClient.Options.DEFAULT), keys.table())
        .load(keys.keySet()).get(0);
    KmsDecryptOverHttp decrypter = new KmsDecryptOverHttp(client(server, Service.KMS, AwsJsonClient.Options.DEFAULT),
        keys.kmsKeyId());
    assertThatThrownBy(() -> decrypter.decrypt(keys.keySet(), "k-b", row.encryptedMaterial()))
        .isInstanceOfSatisfying(AwsCallException.class, e -> {
          assertThat(e.operation()).isEqualTo("KMS.Decrypt");
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.errorCode()).isEqualTo("InvalidCiphertextException");
          assertThat(e.retryable()).isFalse();
        });
  }

  @Test
  @DisplayName("a missing table is ResourceNotFoundException, asked once")
  void missingTable(MotoServer server) {
    AtomicInteger attempts = new AtomicInteger();
    AwsJsonClient dynamo = client(server, Service.DYNAMODB,
        AwsJsonClient.Options.DEFAULT.withObserver(op -> attempts.incrementAndGet()));
    assertThatThrownBy(() -> new KeyStoreOverHttp(dynamo, "no-such-table").load("edge-origin"))
        .isInstanceOfSatisfying(AwsCallException.class, e -> {
          assertThat(e.errorCode()).isEqualTo("ResourceNotFoundException");
          assertThat(e.retryable()).isFalse();
        });
    assertThat(attempts).hasValue(1);
  }

  @Test
  @DisplayName("no answer at all: retried up to the attempt limit, then a retryable error with status 0")
  void unreachable(MotoServer server) {
    AtomicInteger attempts = new AtomicInteger();
    AwsJsonClient dynamo = new AwsJsonClient(Service.DYNAMODB, new AwsEnvironment("us-east-1",
        Optional.of(URI.create("http://127.0.0.1:" + LocalProcesses.freeLoopbackPort()))), server.directCredentials(),
        AwsJsonClient.Options.DEFAULT.withObserver(op -> attempts.incrementAndGet()));
    assertThatThrownBy(() -> new KeyStoreOverHttp(dynamo, "t").load("edge-origin"))
        .isInstanceOfSatisfying(AwsCallException.class, e -> {
          assertThat(e.status()).isZero();
          assertThat(e.retryable()).isTrue();
          assertThat(e.getMessage()).startsWith("DynamoDB.Query failed: no response");
        });
    assertThat(attempts).hasValue(3);
  }

  @Test
  @DisplayName("the call's deadline bounds each attempt: an answer later than the budget is a failure, not a wait")
  void deadlineBoundsTheAttempt(MotoServer server) throws Exception {
    com.sun.net.httpserver.HttpServer slow = com.sun.net.httpserver.HttpServer.create(
        new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
    slow.createContext("/", exchange -> {
      try {
        Thread.sleep(1500); // answers, but only after 1.5 s
        byte[] body = "{\"Items\":[]}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
      } catch (InterruptedException | java.io.IOException e) {
        // the client gave up
      } finally {
        exchange.close();
      }
    });
    slow.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    slow.start();
    try {
      AtomicInteger attempts = new AtomicInteger();
      AwsJsonClient.Options options = AwsJsonClient.Options.DEFAULT
          .withTimeouts(java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(5), java.time.Duration.ofMillis(400))
          .withObserver(op -> attempts.incrementAndGet());
      AwsJsonClient dynamo = new AwsJsonClient(Service.DYNAMODB, new AwsEnvironment("us-east-1",
          Optional.of(URI.create("http://127.0.0.1:" + slow.getAddress().getPort()))), server.directCredentials(), options);
      assertThatThrownBy(() -> new KeyStoreOverHttp(dynamo, "t").load("edge-origin"))
          .isInstanceOfSatisfying(AwsCallException.class, e -> assertThat(e.retryable()).isTrue());
      assertThat(attempts.get()).as("no attempt starts after the budget is spent").isBetween(1, 2);
    } finally {
      slow.stop(0);
    }
  }

  @Test
  @DisplayName("without an override the endpoints are AWS's regional ones")
  void defaultEndpoints() {
    assertThat(AwsJsonClient.defaultEndpoint(Service.DYNAMODB, "eu-west-1"))
        .isEqualTo(URI.create("https://dynamodb.eu-west-1.amazonaws.com"));
    assertThat(AwsJsonClient.defaultEndpoint(Service.KMS, "cn-north-1"))
        .isEqualTo(URI.create("https://kms.cn-north-1.amazonaws.com.cn"));
  }
}
