package dev.edgeperimeter.shared.keys;

import java.time.Instant;
import java.util.Optional;

/**
 * One row of the key table (contract section 1), as stored: the material is still KMS ciphertext.
 *
 * @param keySet            the key set name ({@code edge-origin} by default)
 * @param kid               key id
 * @param alg               always {@code HS256} in v1
 * @param state             lifecycle state; {@code null} when the stored value is unknown
 * @param encryptedMaterial KMS ciphertext of the 32-byte material
 * @param createdAt         when the key was created
 * @param activatedAt       when it became CURRENT, if it has
 * @param retiredAt         when it stopped being CURRENT, if it has
 * @param notAfter          epoch seconds after which the origin rejects it whatever the state
 * @param expiresAt         epoch seconds for DynamoDB TTL deletion, if set
 * @param version           optimistic-lock counter
 */
public record KeyRecord(
    String keySet,
    String kid,
    String alg,
    KeyState state,
    byte[] encryptedMaterial,
    Instant createdAt,
    Optional<Instant> activatedAt,
    Optional<Instant> retiredAt,
    long notAfter,
    Optional<Long> expiresAt,
    long version) {

  /** Accepted by the origin at {@code nowEpochSeconds}: an accepting state and not past {@code notAfter}. */
  public boolean acceptedAt(long nowEpochSeconds) {
    return state != null && state.acceptedByOrigin() && nowEpochSeconds <= notAfter;
  }

  public KeyRecord withState(KeyState newState) {
    return new KeyRecord(keySet, kid, alg, newState, encryptedMaterial, createdAt, activatedAt, retiredAt,
        notAfter, expiresAt, version);
  }

  @Override
  public String toString() {
    return "KeyRecord[keySet=" + keySet + ", kid=" + kid + ", state=" + state + ", version=" + version
        + ", notAfter=" + notAfter + "]";
  }
}
