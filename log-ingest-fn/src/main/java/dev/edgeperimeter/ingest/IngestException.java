package dev.edgeperimeter.ingest;

/**
 * The body as a whole cannot be accepted: {@code 400} (unreadable: nothing stored) or {@code 413}
 * (past the size limits). The message is safe to return to the sender: it never quotes the body.
 */
public final class IngestException extends Exception {
  private final int status;

  private IngestException(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  public static IngestException unreadable(String message) {
    return new IngestException(400, message);
  }

  public static IngestException tooLarge(String message) {
    return new IngestException(413, message);
  }

  public int status() {
    return status;
  }
}
