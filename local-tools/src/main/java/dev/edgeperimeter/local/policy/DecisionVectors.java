package dev.edgeperimeter.local.policy;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Generates {@code policy/decision-vectors.json} from a policy: every rule's method and other
 * methods, paths made from every pattern (and near misses, and paths the path rule refuses), and
 * scope sets made from the scopes the policy names; the expected decision and deciding rule of each
 * come from {@link ReferenceModel}. The Java and the JavaScript test suites run every case against
 * their own runtime and table.
 */
public final class DecisionVectors {
  private static final List<String> OTHER_METHODS = List.of("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS");
  /** Inserted into or appended to the generated paths: every one is refused by the path rule. */
  private static final List<String> NOT_NORMAL_SUFFIXES = List.of("/../admin", "/./x", "/%2e%2e/admin", "/.%2E/admin",
      "%2F..%2Fadmin", "%2f", "%5Cadmin", "\\admin", "//x", "/%6Frders", "/%7E", "/%", "/%4", "/%zz", "/..", "/.");

  private DecisionVectors() {
  }

  /** The vector file's text (one case per line, so that a diff shows which decisions changed). */
  public static String generate(List<PolicyRoute> routes, String source, String tableFile) {
    ReferenceModel model = new ReferenceModel(routes, source);
    List<Set<String>> scopeSets = scopeSets(routes);
    Set<String> paths = new LinkedHashSet<>();
    paths.add("/");
    paths.add("/unknown");
    for (PolicyRoute r : routes) {
      for (String p : instances(r)) {
        paths.add(p);
        paths.add(p + "/extra");
        paths.add(p.endsWith("/") ? p + "x" : p + "/");
        int cut = p.lastIndexOf('/');
        if (cut > 0) {
          paths.add(p.substring(0, cut));
        }
      }
    }
    Set<String> refused = new LinkedHashSet<>(List.of("", "orders/42", "/orders\\42", "//orders/42", "/orders//42"));
    for (String p : List.copyOf(paths)) {
      for (String suffix : NOT_NORMAL_SUFFIXES) {
        refused.add(p.equals("/") ? suffix : p + suffix);
      }
    }
    StringBuilder b = new StringBuilder();
    b.append("{\n\"generated_by\": \"bin/policy compile\",\n\"policy\": \"").append(source)
        .append("\",\n\"table\": \"").append(tableFile)
        .append("\",\n\"columns\": [\"method\", \"path\", \"scopes\", \"decision\", \"rule\"],\n\"cases\": [\n");
    boolean first = true;
    for (String path : paths) {
      for (String method : methods(routes)) {
        for (Set<String> scopes : scopeSets) {
          first = line(b, first, method, path, scopes, model.decide(method, path, scopes));
        }
      }
    }
    for (String path : refused) {
      for (Set<String> scopes : List.of(Set.<String>of(), scopeSets.get(scopeSets.size() - 1))) {
        first = line(b, first, "GET", path, scopes, model.decide("GET", path, scopes));
      }
    }
    b.append("\n]\n}\n");
    return b.toString();
  }

  private static boolean line(StringBuilder b, boolean first, String method, String path, Set<String> scopes,
      String[] decision) {
    if (!first) {
      b.append(",\n");
    }
    b.append("[\"").append(method).append("\", \"").append(quote(path)).append("\", [");
    boolean firstScope = true;
    for (String s : new TreeSet<>(scopes)) {
      b.append(firstScope ? "" : ", ").append('"').append(quote(s)).append('"');
      firstScope = false;
    }
    b.append("], \"").append(decision[0]).append("\", ")
        .append(decision[1] == null ? "null" : "\"" + quote(decision[1]) + "\"").append(']');
    return false;
  }

  private static String quote(String s) {
    return new String(JsonStringEncoder.getInstance().quoteAsString(s));
  }

  private static List<String> methods(List<PolicyRoute> routes) {
    Set<String> out = new LinkedHashSet<>();
    for (PolicyRoute r : routes) {
      if (!"ANY".equals(r.method())) {
        out.add(r.method());
      }
    }
    out.addAll(OTHER_METHODS);
    return List.copyOf(out);
  }

  /** No scope; each named scope alone; each rule's all_of, with and without each any_of; all; an unrelated one. */
  static List<Set<String>> scopeSets(List<PolicyRoute> routes) {
    Set<Set<String>> out = new LinkedHashSet<>();
    out.add(Set.of());
    out.add(Set.of("unrelated:scope"));
    Set<String> all = new TreeSet<>();
    for (PolicyRoute r : routes) {
      all.addAll(r.anyOf());
      all.addAll(r.allOf());
      for (String s : r.anyOf()) {
        out.add(Set.of(s));
      }
      for (String s : r.allOf()) {
        out.add(Set.of(s));
      }
      if (!r.allOf().isEmpty()) {
        out.add(Set.copyOf(r.allOf()));
        for (String s : r.anyOf()) {
          Set<String> with = new TreeSet<>(r.allOf());
          with.add(s);
          out.add(Set.copyOf(with));
        }
      }
    }
    out.add(Set.copyOf(all));
    return new ArrayList<>(out);
  }

  /** Paths a pattern matches: named segments filled with a few values, the wildcard with one and two segments and empty. */
  static List<String> instances(PolicyRoute r) {
    List<String> out = new ArrayList<>();
    out.add("");
    for (String seg : r.segments()) {
      List<String> next = new ArrayList<>();
      for (String prefix : out) {
        if ("*".equals(seg)) {
          next.add(prefix + "/x");
          next.add(prefix + "/x/y");
          next.add(prefix + "/");
        } else if ("{}".equals(seg)) {
          next.add(prefix + "/42");
          next.add(prefix + "/caf%C3%A9;v=1");
        } else {
          next.add(prefix + "/" + seg);
        }
      }
      out = next.size() > 12 ? next.subList(0, 12) : next;
    }
    return out.stream().map(p -> p.isEmpty() ? "/" : p).distinct().toList();
  }
}
