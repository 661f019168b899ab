package dev.edgeperimeter.shared.keys;

/**
 * Decrypts a key row's material under the contract's KMS encryption context
 * {@code {"keyset":"<name>","kid":"<kid>"}}.
 */
@FunctionalInterface
public interface MaterialDecrypter {
  byte[] decrypt(String keySet, String kid, byte[] ciphertext);
}
