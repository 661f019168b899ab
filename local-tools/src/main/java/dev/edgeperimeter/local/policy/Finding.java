package dev.edgeperimeter.local.policy;

/**
 * One message of {@code bin/policy check}: {@code FILE:LINE: error|warning: MESSAGE}.
 *
 * @param line 1-based line in the policy file (0 when the file as a whole is meant)
 */
public record Finding(Severity severity, int line, String message) {
  public enum Severity { ERROR, WARNING }

  public static Finding error(int line, String message) {
    return new Finding(Severity.ERROR, line, message);
  }

  public static Finding warning(int line, String message) {
    return new Finding(Severity.WARNING, line, message);
  }

  /** The message as printed, located in {@code file}. */
  public String format(String file) {
    return file + ":" + line + ": " + severity.name().toLowerCase(java.util.Locale.ROOT) + ": " + message;
  }
}
