package dev.edgeperimeter.rotation;

/**
 * A conditional write found the key set changed since it was read (another run got there first).
 * The rotator reloads and carries on from whatever state it finds.
 */
final class ConcurrentChangeException extends RuntimeException {
  ConcurrentChangeException(String message, Throwable cause) {
    super(message, cause, false, false);
  }
}
