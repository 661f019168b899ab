package dev.edgeperimeter.local.policy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads {@code policy/routes.yaml} strictly, keeping the line of every value so that each message
 * names it. What {@code routes.schema.json} says is checked here too (an editor shows the same).
 */
public final class PolicyReader {
  static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY");
  private static final Set<String> TOP_FIELDS = Set.of("version", "routes");
  private static final Set<String> ROUTE_FIELDS = Set.of("method", "path", "any_of", "all_of", "public", "description");
  private static final Pattern SCOPE = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]{1,128}");
  private static final Pattern LITERAL = Pattern.compile("[A-Za-z0-9._~!$&'()+,;=:@-]+");
  private static final Pattern NAMED = Pattern.compile("\\{[A-Za-z_][A-Za-z0-9_]{0,63}}");
  private static final int MAX_ROUTES = 500;

  /** A YAML value with the line it starts on. */
  private record Node(Object value, int line) {
  }

  /** What was read: the rules that are well formed, and every problem found. */
  public record Result(List<PolicyRoute> routes, int declared, List<Finding> findings) {
    public boolean hasErrors() {
      return findings.stream().anyMatch(f -> f.severity() == Finding.Severity.ERROR);
    }
  }

  private final List<Finding> findings = new ArrayList<>();
  private int declared;

  private PolicyReader() {
  }

  /** Reads policy text. */
  public static Result read(String yaml) {
    PolicyReader r = new PolicyReader();
    List<PolicyRoute> routes = r.readAll(yaml);
    return new Result(routes, Math.max(r.declared, routes.size()), List.copyOf(r.findings));
  }

  private List<PolicyRoute> readAll(String yaml) {
    Node root;
    try (JsonParser p = new YAMLFactory().createParser(yaml)) {
      if (p.nextToken() == null) {
        findings.add(Finding.error(1, "the policy is empty"));
        return List.of();
      }
      root = node(p);
      if (p.nextToken() != null) {
        findings.add(Finding.error(line(p), "more than one YAML document"));
      }
    } catch (IOException | RuntimeException e) {
      int line = e instanceof com.fasterxml.jackson.core.JsonProcessingException j && j.getLocation() != null
          ? j.getLocation().getLineNr() : 1;
      findings.add(Finding.error(Math.max(1, line), "not valid YAML: " + firstLine(e.getMessage())));
      return List.of();
    }
    if (!(root.value() instanceof Map<?, ?> top)) {
      findings.add(Finding.error(root.line(), "the policy must be a mapping with 'version' and 'routes'"));
      return List.of();
    }
    Map<String, Node> fields = fields(top);
    unknown(fields, TOP_FIELDS, "the policy");
    Node version = fields.get("version");
    if (version == null) {
      findings.add(Finding.error(root.line(), "missing field 'version' (the format version, 1)"));
    } else if (!Integer.valueOf(1).equals(version.value())) {
      findings.add(Finding.error(version.line(), "'version' must be 1"));
    }
    Node routes = fields.get("routes");
    if (routes == null) {
      findings.add(Finding.error(root.line(), "missing field 'routes'"));
      return List.of();
    }
    if (!(routes.value() instanceof List<?> list) || list.isEmpty()) {
      findings.add(Finding.error(routes.line(), "'routes' must be a non-empty list of rules"));
      return List.of();
    }
    if (list.size() > MAX_ROUTES) {
      findings.add(Finding.error(routes.line(), "at most " + MAX_ROUTES + " rules"));
    }
    declared = list.size();
    List<PolicyRoute> out = new ArrayList<>();
    for (Object item : list) {
      PolicyRoute route = route((Node) item);
      if (route != null) {
        out.add(route);
      }
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Node> fields(Map<?, ?> map) {
    return (Map<String, Node>) map;
  }

  private void unknown(Map<String, Node> fields, Set<String> known, String where) {
    fields.forEach((name, value) -> {
      if (!known.contains(name)) {
        findings.add(Finding.error(value.line(), "unknown field '" + name + "' in " + where + " (known: "
            + String.join(", ", known.stream().sorted().toList()) + ")"));
      }
    });
  }

  private PolicyRoute route(Node node) {
    if (!(node.value() instanceof Map<?, ?> map)) {
      findings.add(Finding.error(node.line(), "a rule must be a mapping with 'method' and 'path'"));
      return null;
    }
    Map<String, Node> f = fields(map);
    int before = findings.size();
    unknown(f, ROUTE_FIELDS, "a rule");
    String method = string(f.get("method"), "method", node.line());
    if (method != null && !METHODS.contains(method)) {
      findings.add(Finding.error(f.get("method").line(), "'method' must be one of GET, POST, PUT, PATCH, DELETE, HEAD,"
          + " OPTIONS (upper case) or ANY, got '" + method + "'"));
    }
    String path = string(f.get("path"), "path", node.line());
    if (path != null) {
      checkPattern(path, f.get("path").line());
    }
    List<String> anyOf = scopes(f.get("any_of"), "any_of");
    List<String> allOf = scopes(f.get("all_of"), "all_of");
    Node pub = f.get("public");
    boolean isPublic = false;
    if (pub != null) {
      if (!(pub.value() instanceof Boolean b)) {
        findings.add(Finding.error(pub.line(), "'public' must be true or false"));
      } else {
        isPublic = b;
      }
    }
    Node description = f.get("description");
    if (description != null && !(description.value() instanceof String)) {
      findings.add(Finding.error(description.line(), "'description' must be a string"));
    }
    if (isPublic && (!anyOf.isEmpty() || !allOf.isEmpty())) {
      findings.add(Finding.error(pub.line(), "a public rule names no scopes (drop any_of/all_of or public)"));
    }
    if (!isPublic && f.get("any_of") == null && f.get("all_of") == null) {
      findings.add(Finding.error(node.line(), "the rule names no scopes: give any_of and/or all_of, or public: true"));
    }
    if (findings.size() > before || method == null || path == null) {
      return null;
    }
    return new PolicyRoute(node.line(), method, path, anyOf, allOf, isPublic);
  }

  private String string(Node node, String name, int ruleLine) {
    if (node == null) {
      findings.add(Finding.error(ruleLine, "the rule has no '" + name + "'"));
      return null;
    }
    if (!(node.value() instanceof String s)) {
      findings.add(Finding.error(node.line(), "'" + name + "' must be a string"));
      return null;
    }
    return s;
  }

  private List<String> scopes(Node node, String name) {
    if (node == null) {
      return List.of();
    }
    if (!(node.value() instanceof List<?> list) || list.isEmpty() || list.size() > 32) {
      findings.add(Finding.error(node.line(), "'" + name + "' must be a list of 1 to 32 scopes"));
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (Object o : list) {
      Node item = (Node) o;
      if (!(item.value() instanceof String s) || !SCOPE.matcher(s).matches()) {
        findings.add(Finding.error(item.line(), "'" + name + "': not a scope token (RFC 6749: printable ASCII"
            + " without space, '\"' and '\\'): " + item.value()));
      } else if (out.contains(s)) {
        findings.add(Finding.error(item.line(), "'" + name + "' names '" + s + "' twice"));
      } else {
        out.add(s);
      }
    }
    return List.copyOf(out);
  }

  private void checkPattern(String path, int line) {
    if ("/".equals(path)) {
      return;
    }
    if (!path.startsWith("/")) {
      findings.add(Finding.error(line, "'path' must start with '/': " + path));
      return;
    }
    if (path.length() > 512) {
      findings.add(Finding.error(line, "'path' longer than 512 characters"));
      return;
    }
    String[] parts = path.substring(1).split("/", -1);
    Set<String> names = new java.util.HashSet<>();
    for (int i = 0; i < parts.length; i++) {
      String p = parts[i];
      if ("*".equals(p)) {
        if (i != parts.length - 1) {
          findings.add(Finding.error(line, "'*' may only be the last segment of a path: " + path));
        }
      } else if (p.contains("*")) {
        findings.add(Finding.error(line, "'" + p + "': a wildcard must be a whole final segment ('/x/*'); a '*' inside a"
            + " segment would grant more than the rule names (e.g. '/orders*' also '/orders-admin')"));
      } else if (NAMED.matcher(p).matches()) {
        if (!names.add(p)) {
          findings.add(Finding.error(line, "the segment name " + p + " is used twice in " + path));
        }
      } else if (p.isEmpty()) {
        findings.add(Finding.error(line, "empty segment in " + path + " (no rule can match: the path rule refuses '//'"
            + " and a pattern never ends with '/')"));
      } else if (".".equals(p) || "..".equals(p)) {
        findings.add(Finding.error(line, "unreachable: the path rule refuses '" + p + "' segments: " + path));
      } else if (p.contains("%")) {
        findings.add(Finding.error(line, "'" + p + "': write segments decoded; percent escapes are not allowed in patterns"));
      } else if (!LITERAL.matcher(p).matches()) {
        findings.add(Finding.error(line, "'" + p + "' is neither a literal segment ([A-Za-z0-9._~!$&'()+,;=:@-]),"
            + " a named segment ({name}) nor the final '*'"));
      }
    }
  }

  private Node node(JsonParser p) throws IOException {
    int line = line(p);
    JsonToken t = p.currentToken();
    switch (t) {
      case START_OBJECT -> {
        Map<String, Node> map = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          int keyLine = line(p);
          p.nextToken();
          Node value = node(p);
          if (map.containsKey(name)) {
            findings.add(Finding.error(keyLine, "field '" + name + "' given twice"));
          }
          map.put(name, new Node(value.value(), keyLine));
        }
        return new Node(map, line);
      }
      case START_ARRAY -> {
        List<Node> list = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          list.add(node(p));
        }
        return new Node(list, line);
      }
      case VALUE_STRING -> {
        return new Node(p.getText(), line);
      }
      case VALUE_TRUE, VALUE_FALSE -> {
        return new Node(t == JsonToken.VALUE_TRUE, line);
      }
      case VALUE_NUMBER_INT -> {
        return new Node(p.getNumberValue() instanceof Integer i ? i : p.getText(), line);
      }
      case VALUE_NULL -> {
        return new Node(null, line);
      }
      default -> {
        return new Node(p.getText(), line);
      }
    }
  }

  private static int line(JsonParser p) {
    return Math.max(1, p.currentTokenLocation().getLineNr());
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
