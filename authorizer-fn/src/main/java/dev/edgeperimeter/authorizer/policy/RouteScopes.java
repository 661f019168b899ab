package dev.edgeperimeter.authorizer.policy;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The route policy from {@code ROUTE_SCOPES}: which scopes grant which routes, e.g.
 * {@code GET /orders/*=orders:read;POST /orders=orders:write orders:admin}.
 *
 * <p>Rules are separated by {@code ;}. Each is {@code METHOD PATH=SCOPES}: the method in upper
 * case, or {@code *} / {@code ANY} for every method; the path starting with {@code /}, where
 * {@code *} matches any run of characters including {@code /} (exactly what the {@code *} means in
 * the {@code execute-api} resource ARN of the resulting IAM policy, so the decision taken here and
 * the policy API Gateway evaluates never disagree); SCOPES a space-separated list, any one of which
 * grants the route. A route that no rule names is denied to everyone. An empty policy allows every
 * valid identity everywhere.
 */
public final class RouteScopes {
  private final List<Rule> rules;

  private RouteScopes(List<Rule> rules) {
    this.rules = List.copyOf(rules);
  }

  /** One rule: a method and path pattern, and the scopes that grant it. */
  public record Rule(String method, String path, Set<String> scopes) {
    /** Whether this rule covers the request {@code method} and {@code path}. */
    public boolean matches(String requestMethod, String requestPath) {
      return ("*".equals(method) || method.equals(requestMethod)) && glob(path, requestPath);
    }

    /** Whether any of {@code granted} is one of this rule's scopes. */
    public boolean grantedBy(Set<String> granted) {
      if (granted.isEmpty()) {
        return false;
      }
      for (String scope : scopes) {
        if (granted.contains(scope)) {
          return true;
        }
      }
      return false;
    }

    @Override
    public String toString() {
      return method + " " + path + "=" + String.join(" ", scopes);
    }
  }

  /** No rules: every valid identity is allowed on every route. */
  public static RouteScopes none() {
    return new RouteScopes(List.of());
  }

  /**
   * Parses the {@code ROUTE_SCOPES} syntax.
   *
   * @throws IllegalArgumentException naming the offending rule
   */
  public static RouteScopes parse(String spec) {
    List<Rule> rules = new ArrayList<>();
    if (spec == null || spec.isBlank()) {
      return none();
    }
    for (String raw : spec.split(";")) {
      String entry = raw.strip();
      if (entry.isEmpty()) {
        continue;
      }
      int eq = entry.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException("rule '" + entry + "' has no '=SCOPES' part (expected e.g. 'GET /orders/*=orders:read')");
      }
      String[] route = entry.substring(0, eq).strip().split("\\s+");
      if (route.length != 2) {
        throw new IllegalArgumentException("rule '" + entry + "' must start with 'METHOD /path'");
      }
      String method = route[0].toUpperCase(Locale.ROOT);
      if ("ANY".equals(method)) {
        method = "*";
      }
      if (!"*".equals(method) && !method.matches("[A-Z]{1,16}")) {
        throw new IllegalArgumentException("rule '" + entry + "' has an invalid method '" + route[0] + "'");
      }
      if (!route[0].equals(route[0].toUpperCase(Locale.ROOT)) && !"*".equals(method)) {
        throw new IllegalArgumentException("rule '" + entry + "' must spell the method in upper case");
      }
      String path = route[1];
      if (!path.startsWith("/") || path.indexOf('?') >= 0 || path.indexOf('#') >= 0) {
        throw new IllegalArgumentException("rule '" + entry + "' needs a path starting with '/' and without '?' or '#'");
      }
      Set<String> scopes = new LinkedHashSet<>();
      for (String scope : entry.substring(eq + 1).strip().split("\\s+")) {
        if (!scope.isEmpty()) {
          scopes.add(scope);
        }
      }
      if (scopes.isEmpty()) {
        throw new IllegalArgumentException("rule '" + entry + "' names no scope");
      }
      rules.add(new Rule(method, path, Set.copyOf(scopes)));
    }
    return new RouteScopes(rules);
  }

  public List<Rule> rules() {
    return rules;
  }

  public boolean isEmpty() {
    return rules.isEmpty();
  }

  /** Splits an OAuth {@code scope} string (space-separated) into a set. */
  public static Set<String> scopes(String scope) {
    if (scope == null || scope.isBlank()) {
      return Set.of();
    }
    Set<String> out = new LinkedHashSet<>();
    for (String s : scope.split(" ")) {
      if (!s.isEmpty()) {
        out.add(s);
      }
    }
    return out;
  }

  /** {@code *} matches any run of characters (including {@code /}); everything else literally. */
  static boolean glob(String pattern, String text) {
    int p = 0;
    int t = 0;
    int star = -1;
    int mark = 0;
    while (t < text.length()) {
      if (p < pattern.length() && pattern.charAt(p) == '*') {
        star = p++;
        mark = t;
      } else if (p < pattern.length() && pattern.charAt(p) == text.charAt(t)) {
        p++;
        t++;
      } else if (star >= 0) {
        p = star + 1;
        t = ++mark;
      } else {
        return false;
      }
    }
    while (p < pattern.length() && pattern.charAt(p) == '*') {
      p++;
    }
    return p == pattern.length();
  }

  @Override
  public String toString() {
    return rules.toString();
  }
}
