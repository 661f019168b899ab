package dev.edgeperimeter.authorizer.policy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The route policy: the compiled table of {@code policy/routes.yaml} ({@code bin/policy compile}),
 * loaded from the classpath resource {@value #RESOURCE} that the build packs into the zip.
 *
 * <p>The first rule whose method and path pattern match a request decides; a request that no rule
 * matches is refused. Before any rule is matched the path must pass {@link RequestPath} (the path
 * rule). The EdgeWorker loads the same table ({@code edgeworker/lib/route-table.js}) and decides
 * the same way ({@code edgeworker/lib/route-policy.js}); the decision vectors in
 * {@code policy/decision-vectors.json} pin both sides down.
 *
 * <p>Table format (UTF-8, one line each, fields separated by a tab):
 * <pre>
 * edge-perimeter-route-table 1
 * METHOD  PATTERN  public|scoped  ANY_OF  ALL_OF  SOURCE
 * </pre>
 * METHOD upper case or {@code ANY}; PATTERN as in the policy ({@code /orders/{id}/items/*});
 * ANY_OF and ALL_OF space-separated scopes or {@code -}; SOURCE the rule's {@code file:line}. The
 * parser is strict: anything else is an error naming the line.
 */
public final class RouteScopes {
  /** The classpath resource holding the shipped, compiled policy. */
  public static final String RESOURCE = "policy/routes.table";
  /** The table's first line. */
  public static final String HEADER = "edge-perimeter-route-table 1";

  private static final Pattern METHOD = Pattern.compile("[A-Z]{1,16}");
  private static final Pattern LITERAL = Pattern.compile("[A-Za-z0-9._~!$&'()+,;=:@-]+");
  private static final Pattern NAMED = Pattern.compile("\\{[A-Za-z_][A-Za-z0-9_]{0,63}}");
  private static final Pattern SCOPE = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]{1,128}");

  private final List<Rule> rules;
  private final boolean enforced;

  private RouteScopes(List<Rule> rules, boolean enforced) {
    this.rules = List.copyOf(rules);
    this.enforced = enforced;
  }

  /** What a rule asks of a request's token. */
  public enum Access { PUBLIC, SCOPED }

  /**
   * One rule of the table.
   *
   * @param method   upper case, or {@code ANY}
   * @param pattern  the path pattern as written
   * @param segments the pattern's segments ({@code {}} for a named one, {@code *} for the wildcard)
   * @param access   public (no user token needed) or scoped
   * @param anyOf    at least one needed (empty: no such condition)
   * @param allOf    all needed (empty: no such condition)
   * @param source   {@code file:line} of the rule in the policy
   */
  public record Rule(String method, String pattern, List<String> segments, Access access, Set<String> anyOf,
      Set<String> allOf, String source) {

    /** Whether this rule covers {@code requestMethod} {@code requestPath} (a path that passed the path rule). */
    public boolean matches(String requestMethod, String requestPath) {
      if (!"ANY".equals(method) && !method.equals(requestMethod)) {
        return false;
      }
      int pos = 1; // after the leading '/'
      int n = requestPath.length();
      if (segments.isEmpty()) {
        return n == 1;
      }
      for (int s = 0; s < segments.size(); s++) {
        String seg = segments.get(s);
        if ("*".equals(seg)) {
          return pos <= n && requestPath.charAt(pos - 1) == '/'; // one or more segments remain
        }
        if (pos > n) {
          return false;
        }
        int end = requestPath.indexOf('/', pos);
        if (end < 0) {
          end = n;
        }
        if ("{}".equals(seg)) {
          if (end == pos) {
            return false;
          }
        } else if (end - pos != seg.length() || !requestPath.startsWith(seg, pos)) {
          return false;
        }
        pos = end + 1;
      }
      return pos == n + 1;
    }

    /** Whether a token holding {@code granted} may call this rule's routes. */
    public boolean grantedBy(Set<String> granted) {
      if (access == Access.PUBLIC) {
        return true;
      }
      if (!granted.containsAll(allOf)) {
        return false;
      }
      if (anyOf.isEmpty()) {
        return true;
      }
      for (String scope : anyOf) {
        if (granted.contains(scope)) {
          return true;
        }
      }
      return false;
    }

    /** The pattern as an {@code execute-api} resource path: named segments and the wildcard become {@code *}. */
    public String resourcePath() {
      if (segments.isEmpty()) {
        return "/";
      }
      StringBuilder b = new StringBuilder();
      for (String seg : segments) {
        b.append('/').append("{}".equals(seg) ? "*" : seg);
      }
      return b.toString();
    }

    @Override
    public String toString() {
      return method + " " + pattern + " (" + source + ")";
    }
  }

  /** What the policy decides for one request. */
  public enum Verdict {
    ALLOW("allow"), SCOPE_DENIED("scope_denied"), PATH_NOT_NORMAL("path_not_normal");

    private final String code;

    Verdict(String code) {
      this.code = code;
    }

    public String code() {
      return code;
    }
  }

  /**
   * A decision and the rule that took it.
   *
   * @param rule the deciding rule; {@code null} when no rule matched or the path was refused
   */
  public record Outcome(Verdict verdict, Rule rule) {
  }

  /** No route policy and no path rule: every valid identity is allowed everywhere (tests and tools only). */
  public static RouteScopes none() {
    return new RouteScopes(List.of(), false);
  }

  /** The shipped policy, from the classpath resource {@value #RESOURCE}. */
  public static RouteScopes shipped() {
    try (InputStream in = RouteScopes.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the compiled route policy " + RESOURCE + " is not on the classpath");
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + RESOURCE + ": " + e.getMessage(), e);
    }
  }

  /**
   * Parses a compiled table.
   *
   * @throws IllegalArgumentException naming the offending line
   */
  public static RouteScopes parse(String table) {
    if (!table.endsWith("\n")) {
      throw new IllegalArgumentException("route table: must end with a newline");
    }
    String[] lines = table.split("\n", -1);
    if (!HEADER.equals(lines[0])) {
      throw new IllegalArgumentException("route table line 1: expected '" + HEADER + "'");
    }
    List<Rule> rules = new ArrayList<>();
    for (int i = 1; i < lines.length - 1; i++) {
      rules.add(parseRule(lines[i], i + 1));
    }
    if (rules.isEmpty()) {
      throw new IllegalArgumentException("route table: no rules");
    }
    return new RouteScopes(rules, true);
  }

  private static Rule parseRule(String line, int number) {
    String[] f = line.split("\t", -1);
    if (f.length != 6) {
      throw bad(number, "expected 6 tab-separated fields, got " + f.length);
    }
    if (!"ANY".equals(f[0]) && !METHOD.matcher(f[0]).matches()) {
      throw bad(number, "invalid method '" + f[0] + "'");
    }
    List<String> segments = segments(f[1], number);
    Access access = switch (f[2]) {
      case "public" -> Access.PUBLIC;
      case "scoped" -> Access.SCOPED;
      default -> throw bad(number, "access must be public or scoped");
    };
    Set<String> anyOf = scopeList(f[3], number);
    Set<String> allOf = scopeList(f[4], number);
    if (access == Access.PUBLIC ? !anyOf.isEmpty() || !allOf.isEmpty() : anyOf.isEmpty() && allOf.isEmpty()) {
      throw bad(number, access == Access.PUBLIC ? "a public rule names no scopes" : "a scoped rule needs scopes");
    }
    if (f[5].isEmpty()) {
      throw bad(number, "no source");
    }
    return new Rule(f[0], f[1], segments, access, anyOf, allOf, f[5]);
  }

  /** The segments of a path pattern; {@code {}} stands for a named segment. */
  static List<String> segments(String pattern, int number) {
    if ("/".equals(pattern)) {
      return List.of();
    }
    if (!pattern.startsWith("/") || pattern.length() > 512) {
      throw bad(number, "pattern must start with '/'");
    }
    String[] parts = pattern.substring(1).split("/", -1);
    List<String> out = new ArrayList<>(parts.length);
    for (int i = 0; i < parts.length; i++) {
      String p = parts[i];
      if ("*".equals(p) && i == parts.length - 1) {
        out.add("*");
      } else if (NAMED.matcher(p).matches()) {
        out.add("{}");
      } else if (LITERAL.matcher(p).matches() && !".".equals(p) && !"..".equals(p)) {
        out.add(p);
      } else {
        throw bad(number, "invalid pattern segment '" + p + "'");
      }
    }
    return List.copyOf(out);
  }

  private static Set<String> scopeList(String field, int number) {
    if ("-".equals(field)) {
      return Set.of();
    }
    Set<String> out = new LinkedHashSet<>();
    for (String s : field.split(" ", -1)) {
      if (!SCOPE.matcher(s).matches() || !out.add(s)) {
        throw bad(number, "invalid or repeated scope '" + s + "'");
      }
    }
    return Set.copyOf(out);
  }

  private static IllegalArgumentException bad(int line, String message) {
    return new IllegalArgumentException("route table line " + line + ": " + message);
  }

  /** Decides on one request: the path rule, then the first matching rule. */
  public Outcome decide(String method, String path, Set<String> scopes) {
    if (!enforced) {
      return new Outcome(Verdict.ALLOW, null);
    }
    if (!RequestPath.isNormal(path)) {
      return new Outcome(Verdict.PATH_NOT_NORMAL, null);
    }
    Rule rule = match(method, path);
    if (rule == null) {
      return new Outcome(Verdict.SCOPE_DENIED, null);
    }
    return new Outcome(rule.grantedBy(scopes) ? Verdict.ALLOW : Verdict.SCOPE_DENIED, rule);
  }

  /** The first rule matching {@code method} {@code path} (a path that passed the path rule), or {@code null}. */
  public Rule match(String method, String path) {
    for (Rule rule : rules) {
      if (rule.matches(method, path)) {
        return rule;
      }
    }
    return null;
  }

  /** Whether a request for {@code method} {@code path} needs no user token (its deciding rule is public). */
  public boolean isPublic(String method, String path) {
    if (!enforced || !RequestPath.isNormal(path)) {
      return false;
    }
    Rule rule = match(method, path);
    return rule != null && rule.access() == Access.PUBLIC;
  }

  public List<Rule> rules() {
    return rules;
  }

  /** Whether a policy is in force (false only for {@link #none()}). */
  public boolean enforced() {
    return enforced;
  }

  /** Whether there is no policy ({@link #none()}). */
  public boolean isEmpty() {
    return !enforced;
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

  @Override
  public String toString() {
    return enforced ? rules.toString() : "(no route policy)";
  }
}
