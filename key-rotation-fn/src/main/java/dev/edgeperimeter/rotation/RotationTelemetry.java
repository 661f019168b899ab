package dev.edgeperimeter.rotation;

import dev.edgeperimeter.shared.keys.KeyState;
import java.time.Instant;

/**
 * Where the rotator reports what it did: every state change is one audit record and one metric;
 * completed and failed rotations are metrics the template's alarms watch ({@code RotationSucceeded},
 * {@code RotationFailed}). Implementations must never receive or emit key material.
 */
public interface RotationTelemetry {

  /** A key changed state; {@code from} is {@code null} when the key was created. */
  void stateChanged(Trigger trigger, String kid, KeyState from, KeyState to, Instant at, String note);

  /** The edge store confirmed it returns {@code kid}. */
  void published(Trigger trigger, String kid, String destination, Instant at);

  /** A rotation (or bootstrap, or the replacement of a revoked key) completed in this run. */
  void rotationSucceeded(Trigger trigger, String kid, String period);

  /** A rotation step failed; the run throws after this. */
  void rotationFailed(Trigger trigger, String step, String problem);

  /** The age of the CURRENT key (for the stale-rotation alarm, metric {@code CurrentKeyAgeDays}). */
  void currentKeyAge(java.time.Duration age);

  /** A command was refused as malformed (nothing changed). */
  void commandRejected(String problem);
}
