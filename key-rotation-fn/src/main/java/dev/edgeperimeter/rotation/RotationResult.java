package dev.edgeperimeter.rotation;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one invocation did, returned to the caller (operators see it as the invocation result).
 * Never contains key material.
 *
 * @param action  {@code rotate}, {@code revoke}, {@code status} or {@code bootstrap}
 * @param outcome e.g. {@code ROTATED}, {@code ALREADY_ROTATED}, {@code REVOKED}, {@code BOOTSTRAPPED}
 * @param keySet  the key set name
 * @param period  the rotation period ({@code yyyy-MM}) the command concerned, or {@code null}
 * @param kid     the key the outcome is about (the new CURRENT, the revoked key), or {@code null}
 * @param changes one line per state change made by this run ({@code kid: FROM -> TO})
 * @param message a sentence for humans
 * @param details extra data (the key set for {@code status}); may be empty
 */
public record RotationResult(String action, String outcome, String keySet, String period, String kid,
                             List<String> changes, String message, Map<String, Object> details) {

  public RotationResult {
    changes = List.copyOf(changes);
    details = details == null ? Map.of() : details;
  }

  /** The result as a JSON-friendly map (what the Lambda handler returns). */
  public Map<String, Object> toMap() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("action", action);
    out.put("outcome", outcome);
    out.put("keySet", keySet);
    if (period != null) {
      out.put("period", period);
    }
    if (kid != null) {
      out.put("kid", kid);
    }
    out.put("changes", changes);
    out.put("message", message);
    out.putAll(details);
    return out;
  }
}
