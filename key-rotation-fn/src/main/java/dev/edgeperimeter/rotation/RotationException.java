package dev.edgeperimeter.rotation;

/**
 * A rotation could not complete. The key set is left in a consistent state from which the next run
 * resumes; the handler lets this propagate so EventBridge retries and the DLQ catches the event.
 */
public final class RotationException extends RuntimeException {
  private final RotationStep step;

  public RotationException(RotationStep step, String message, Throwable cause) {
    super(message, cause);
    this.step = step;
  }

  public RotationStep step() {
    return step;
  }
}
