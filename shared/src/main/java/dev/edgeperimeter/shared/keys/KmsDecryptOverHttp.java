package dev.edgeperimeter.shared.keys;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.edgeperimeter.shared.aws.direct.AwsCallException;
import dev.edgeperimeter.shared.aws.direct.AwsJsonClient;
import dev.edgeperimeter.shared.json.JsonLimits;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.Map;

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
    ByteArrayOutputStream out = new ByteArrayOutputStream(256 + ciphertext.length * 2);
    try (JsonGenerator g = JsonLimits.FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("CiphertextBlob", Base64.getEncoder().encodeToString(ciphertext));
      g.writeObjectFieldStart("EncryptionContext");
      for (Map.Entry<String, String> e : context.entrySet()) {
        g.writeStringField(e.getKey(), e.getValue());
      }
      g.writeEndObject();
      if (keyId != null) {
        g.writeStringField("KeyId", keyId);
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
