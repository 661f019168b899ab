package dev.edgeperimeter.rotation.edge;

/** Publishing a key to the edge failed; the message names the network and step, never secrets. */
public final class EdgePublishException extends Exception {
  public EdgePublishException(String message) {
    super(message);
  }

  public EdgePublishException(String message, Throwable cause) {
    super(message, cause);
  }
}
