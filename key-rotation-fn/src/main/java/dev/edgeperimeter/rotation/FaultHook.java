package dev.edgeperimeter.rotation;

/**
 * Called before each step that changes something. Production uses {@link #NONE}; tests throw from
 * it to simulate a crash between steps and check that a rerun completes the rotation.
 */
@FunctionalInterface
public interface FaultHook {
  FaultHook NONE = (step, kid) -> { };

  void before(RotationStep step, String kid);
}
