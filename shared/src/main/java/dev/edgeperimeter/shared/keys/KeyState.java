package dev.edgeperimeter.shared.keys;

/**
 * Lifecycle state of a shared edge/origin key (contract section 1):
 * {@code NEXT -> CURRENT -> PREVIOUS -> RETIRED}, or {@code REVOKED} from any state.
 */
public enum KeyState {
  NEXT,
  CURRENT,
  PREVIOUS,
  RETIRED,
  REVOKED;

  /** Whether the origin accepts signatures made with a key in this state. */
  public boolean acceptedByOrigin() {
    return this == NEXT || this == CURRENT || this == PREVIOUS;
  }

  /** Parses a stored state; unknown values are {@code null} so callers can treat them as inactive. */
  public static KeyState parse(String value) {
    if (value == null) {
      return null;
    }
    for (KeyState state : values()) {
      if (state.name().equals(value)) {
        return state;
      }
    }
    return null;
  }
}
