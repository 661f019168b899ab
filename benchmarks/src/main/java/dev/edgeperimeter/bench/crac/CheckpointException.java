package dev.edgeperimeter.bench.crac;

/** A resource failed before the (simulated) checkpoint; the failures are suppressed exceptions. */
public class CheckpointException extends Exception {
  private static final long serialVersionUID = 1L;

  public CheckpointException() {
    super("a resource failed before the checkpoint");
  }
}
