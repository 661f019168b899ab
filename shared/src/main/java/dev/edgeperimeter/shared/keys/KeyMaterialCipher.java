package dev.edgeperimeter.shared.keys;

import dev.edgeperimeter.shared.aws.AwsClients;
import dev.edgeperimeter.shared.time.Deadline;
import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DecryptRequest;
import software.amazon.awssdk.services.kms.model.EncryptRequest;

/**
 * Encrypts and decrypts key material with AWS KMS under the contract's encryption context
 * {@code {"keyset":"<name>","kid":"<kid>"}}, so a ciphertext copied to another row or key set
 * does not decrypt.
 */
public final class KeyMaterialCipher implements MaterialDecrypter {
  private final KmsClient kms;
  private final String kmsKeyId;

  /**
   * @param kmsKeyId key id, ARN or alias used to encrypt; decryption takes the key from the
   *                 ciphertext but is pinned to this key when it is set
   */
  public KeyMaterialCipher(KmsClient kms, String kmsKeyId) {
    this.kms = kms;
    this.kmsKeyId = kmsKeyId;
  }

  public static Map<String, String> encryptionContext(String keySet, String kid) {
    return KeyTableLayout.encryptionContext(keySet, kid);
  }

  public byte[] encrypt(String keySet, String kid, byte[] material) {
    if (kmsKeyId == null) {
      throw new IllegalStateException("no KMS key configured for encryption");
    }
    return kms.encrypt(EncryptRequest.builder()
            .keyId(kmsKeyId)
            .plaintext(SdkBytes.fromByteArray(material))
            .encryptionContext(encryptionContext(keySet, kid))
            .build())
        .ciphertextBlob().asByteArray();
  }

  @Override
  public byte[] decrypt(String keySet, String kid, byte[] ciphertext, Deadline deadline) {
    DecryptRequest.Builder request = DecryptRequest.builder()
        .ciphertextBlob(SdkBytes.fromByteArray(ciphertext))
        .encryptionContext(encryptionContext(keySet, kid));
    if (kmsKeyId != null) {
      request.keyId(kmsKeyId);
    }
    if (deadline.bounded()) {
      Duration budget = deadline.callBudget(AwsClients.API_CALL_TIMEOUT);
      request.overrideConfiguration(o -> o.apiCallTimeout(budget));
    }
    return kms.decrypt(request.build()).plaintext().asByteArray();
  }
}
