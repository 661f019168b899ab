package dev.edgeperimeter.shared.keys;

/** Key ids: 1-64 characters of {@code [A-Za-z0-9._-]} (contract section 1). */
public final class KeyId {
  public static final int MAX_LENGTH = 64;

  private KeyId() {
  }

  public static boolean isValid(String kid) {
    if (kid == null || kid.isEmpty() || kid.length() > MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < kid.length(); i++) {
      char c = kid.charAt(i);
      boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
          || c == '.' || c == '_' || c == '-';
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
