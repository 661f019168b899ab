package dev.edgeperimeter.shared.config;

/** A configuration value is missing or invalid; the message names the variable and what is wrong. */
public final class ConfigException extends RuntimeException {
  private final String variable;

  public ConfigException(String variable, String problem) {
    super(variable + " " + problem);
    this.variable = variable;
  }

  public String variable() {
    return variable;
  }
}
