package dev.edgeperimeter.rotation.edge;

/**
 * Makes a key the one the edge signs with, and confirms the edge store returns it. Publishing the
 * same key again is harmless, so a resumed rotation simply publishes again.
 */
public interface EdgeKeyPublisher {

  /** False for the {@code none} publisher: rotation then only changes the key table. */
  boolean enabled();

  /** A short description for logs (never credentials). */
  String describe();

  /**
   * Publishes {@code key} and returns once the edge store answers with it.
   *
   * @throws EdgePublishException when any write or the confirmation fails (after retries)
   */
  void publish(EdgeKey key) throws EdgePublishException;
}
