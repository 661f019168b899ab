package dev.edgeperimeter.bench.crac;

/** A resource failed after the (simulated) restore; the failures are suppressed exceptions. */
public class RestoreException extends Exception {
  private static final long serialVersionUID = 1L;

  public RestoreException() {
    super("a resource failed after the restore");
  }
}
