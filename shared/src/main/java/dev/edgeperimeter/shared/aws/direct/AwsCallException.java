package dev.edgeperimeter.shared.aws.direct;

/**
 * A direct AWS call that did not succeed: the service and operation, the HTTP status (0 when no
 * answer arrived), AWS's error code (the short form of {@code __type}, e.g.
 * {@code ResourceNotFoundException}) and message. Never carries request bodies or credentials.
 */
public final class AwsCallException extends RuntimeException {
  private final String operation;
  private final int status;
  private final String errorCode;
  private final boolean retryable;

  public AwsCallException(String operation, int status, String errorCode, String message, boolean retryable,
      Throwable cause) {
    super(operation + " failed: " + (status == 0 ? "no response" : "HTTP " + status)
        + (errorCode == null ? "" : " " + errorCode) + (message == null || message.isBlank() ? "" : ": " + message), cause);
    this.operation = operation;
    this.status = status;
    this.errorCode = errorCode;
    this.retryable = retryable;
  }

  /** {@code Service.Operation}, e.g. {@code DynamoDB.Query}. */
  public String operation() {
    return operation;
  }

  /** The HTTP status, 0 when the request got no response (connect or read failure). */
  public int status() {
    return status;
  }

  /** AWS's error code, {@code null} when the response carried none. */
  public String errorCode() {
    return errorCode;
  }

  /** Whether another attempt could succeed (throttling, 5xx, I/O). */
  public boolean retryable() {
    return retryable;
  }
}
