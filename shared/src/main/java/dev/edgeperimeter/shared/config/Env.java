package dev.edgeperimeter.shared.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Typed, validated access to environment variables. Every failure is a {@link ConfigException}
 * naming the variable, raised at cold start so a misconfigured function never serves traffic.
 */
public final class Env {
  private final Function<String, String> source;

  public Env(Function<String, String> source) {
    this.source = source;
  }

  public static Env system() {
    return new Env(SystemEnvironment.INSTANCE);
  }

  public static Env of(Map<String, String> values) {
    return new Env(values::get);
  }

  public Optional<String> optional(String name) {
    String value = source.apply(name);
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    return Optional.of(value.trim());
  }

  public String required(String name) {
    Optional<String> value = optional(name);
    if (value.isEmpty()) {
      throw invalid(name, "is required but not set");
    }
    return value.get();
  }

  public String string(String name, String defaultValue) {
    return optional(name).orElse(defaultValue);
  }

  public int integer(String name, int defaultValue, int min, int max) {
    Optional<String> raw = optional(name);
    if (raw.isEmpty()) {
      return defaultValue;
    }
    try {
      int value = Integer.parseInt(raw.get());
      if (value < min || value > max) {
        throw invalid(name, "must be between " + min + " and " + max + ", got " + value);
      }
      return value;
    } catch (NumberFormatException e) {
      throw invalid(name, "must be a whole number, got '" + raw.get() + "'");
    }
  }

  public Duration seconds(String name, Duration defaultValue, long minSeconds, long maxSeconds) {
    return Duration.ofSeconds(integer(name, (int) defaultValue.toSeconds(), (int) minSeconds, (int) maxSeconds));
  }

  public boolean bool(String name, boolean defaultValue) {
    Optional<String> raw = optional(name);
    if (raw.isEmpty()) {
      return defaultValue;
    }
    return switch (raw.get().toLowerCase(Locale.ROOT)) {
      case "true", "1", "yes" -> true;
      case "false", "0", "no" -> false;
      default -> throw invalid(name, "must be true or false, got '" + raw.get() + "'");
    };
  }

  /** A comma-separated list; blank entries are dropped. */
  public List<String> list(String name, List<String> defaultValue) {
    Optional<String> raw = optional(name);
    if (raw.isEmpty()) {
      return defaultValue;
    }
    List<String> values = new ArrayList<>();
    for (String part : raw.get().split(",")) {
      String value = part.trim();
      if (!value.isEmpty()) {
        values.add(value);
      }
    }
    return List.copyOf(values);
  }

  public String oneOf(String name, String defaultValue, Set<String> allowed) {
    String value = string(name, defaultValue);
    if (!allowed.contains(value)) {
      throw invalid(name, "must be one of " + allowed.stream().sorted().toList() + ", got '" + value + "'");
    }
    return value;
  }

  public URI uri(String name, String value) {
    try {
      URI uri = new URI(value);
      if (uri.getScheme() == null || uri.getHost() == null) {
        throw invalid(name, "must be an absolute URL, got '" + value + "'");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw invalid(name, "must be a URL, got '" + value + "'");
    }
  }

  public Optional<URI> optionalUri(String name) {
    Optional<String> value = optional(name);
    return value.isEmpty() ? Optional.empty() : Optional.of(uri(name, value.get()));
  }

  public ConfigException invalid(String name, String problem) {
    return new ConfigException(name, problem);
  }

  /** The process environment (a named class, not a method reference: one less lambda to spin in a cold start). */
  private static final class SystemEnvironment implements Function<String, String> {
    static final SystemEnvironment INSTANCE = new SystemEnvironment();

    @Override
    public String apply(String name) {
      return System.getenv(name);
    }
  }
}
