package dev.edgeperimeter.local.policy;

import java.util.List;

/**
 * One rule of {@code policy/routes.yaml}, as written.
 *
 * @param line     the line of the rule's first field
 * @param method   upper case, or {@code ANY}
 * @param path     the path pattern
 * @param anyOf    scopes of which one is needed (empty: none named)
 * @param allOf    scopes all needed (empty: none named)
 * @param isPublic no user token needed
 */
public record PolicyRoute(int line, String method, String path, List<String> anyOf, List<String> allOf,
    boolean isPublic) {

  /** The pattern's segments: literals, {@code {}} for a named segment, {@code *} for the final wildcard. */
  public List<String> segments() {
    if ("/".equals(path)) {
      return List.of();
    }
    return java.util.Arrays.stream(path.substring(1).split("/", -1))
        .map(s -> s.startsWith("{") ? "{}" : s).toList();
  }

  public boolean wildcard() {
    return path.endsWith("/*");
  }

  @Override
  public String toString() {
    return method + " " + path;
  }
}
