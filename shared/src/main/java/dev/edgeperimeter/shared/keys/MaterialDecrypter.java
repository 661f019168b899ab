package dev.edgeperimeter.shared.keys;

import dev.edgeperimeter.shared.time.Deadline;

/**
 * Decrypts a key row's material under the contract's KMS encryption context
 * {@code {"keyset":"<name>","kid":"<kid>"}}.
 */
@FunctionalInterface
public interface MaterialDecrypter {
  byte[] decrypt(String keySet, String kid, byte[] ciphertext, Deadline deadline);

  /** {@link #decrypt(String, String, byte[], Deadline)} with the client's own timeouts. */
  default byte[] decrypt(String keySet, String kid, byte[] ciphertext) {
    return decrypt(keySet, kid, ciphertext, Deadline.none());
  }
}
