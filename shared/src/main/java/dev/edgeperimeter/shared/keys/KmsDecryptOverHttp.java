package dev.edgeperimeter.shared.keys;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.edgeperimeter.shared.aws.direct.AwsCallException;
import dev.edgeperimeter.shared.aws.direct.AwsJsonClient;
import dev.edgeperimeter.shared.json.JsonLimits;
import dev.edgeperimeter.shared.json.JsonText;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;

/**
 * Decrypts key material with a direct, signed KMS {@code Decrypt} under the contract's encryption
 * context, pinned to the configured KMS key when there is one (as {@link KeyMaterialCipher} does
 * with the SDK). Used by the authorizer, which carries no AWS SDK.
 */
public final class KmsDecryptOverHttp implements MaterialDecrypter {
  private final AwsJsonClient kms;
  private final String kmsKeyId;

  /** @param kmsKeyId key id, ARN or alias the ciphertext must be under; {@code null} to take it from the ciphertext */
  public KmsDecryptOverHttp(AwsJsonClient kms, String kmsKeyId) {
    this.kms = kms;
    this.kmsKeyId = kmsKeyId;
  }

  @Override
  public byte[] decrypt(String keySet, String kid, byte[] ciphertext) {
    byte[] response = kms.call("Decrypt", requestBody(ciphertext, KeyTableLayout.encryptionContext(keySet, kid), kmsKeyId));
    try (JsonParser p = JsonLimits.FACTORY.createParser(response)) {
      if (p.nextToken() == JsonToken.START_OBJECT) {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String field = p.currentName();
          JsonToken value = p.nextToken();
          if (field.equals("Plaintext") && value == JsonToken.VALUE_STRING) {
            return Base64.getDecoder().decode(p.getText());
          }
          p.skipChildren();
        }
      }
    } catch (IOException | RuntimeException e) {
      throw new AwsCallException("KMS.Decrypt", 200, null, "the Decrypt answer is not KMS JSON", false, e);
    }
    throw new AwsCallException("KMS.Decrypt", 200, null, "the Decrypt answer has no Plaintext", false, null);
  }

  static byte[] requestBody(byte[] ciphertext, Map<String, String> context, String keyId) {
    StringBuilder b = new StringBuilder(160 + ciphertext.length * 2);
    b.append("{\"CiphertextBlob\":");
    JsonText.quote(b, Base64.getEncoder().encodeToString(ciphertext)).append(",\"EncryptionContext\":{");
    boolean first = true;
    for (Map.Entry<String, String> e : new TreeMap<>(context).entrySet()) {
      if (!first) {
        b.append(',');
      }
      first = false;
      JsonText.quote(JsonText.quote(b, e.getKey()).append(':'), e.getValue());
    }
    b.append('}');
    if (keyId != null) {
      JsonText.quote(b.append(",\"KeyId\":"), keyId);
    }
    return b.append('}').toString().getBytes(StandardCharsets.UTF_8);
  }
}
