package dev.edgeperimeter.rotation;

import java.time.YearMonth;

/** What one invocation asks the rotator to do; built by {@link CommandParser} from the Lambda event. */
public sealed interface RotationCommand {

  /** The trigger recorded in every audit line the command causes. */
  Trigger trigger();

  /**
   * Move the key set forward by one key for {@code period} (the UTC month of the scheduled time).
   * Without {@code force}, a period that was already rotated is left alone.
   */
  record Rotate(Trigger trigger, YearMonth period, boolean force) implements RotationCommand {
  }

  /** Revoke {@code kid} at once; a revoked {@code CURRENT} is replaced in the same run. */
  record Revoke(Trigger trigger, String kid, String reason, YearMonth period) implements RotationCommand {
  }

  /** Report the key set (never the material). */
  record Status(Trigger trigger) implements RotationCommand {
  }

  /** Create, publish and activate the first key of an empty key set. */
  record Bootstrap(Trigger trigger, YearMonth period) implements RotationCommand {
  }
}
