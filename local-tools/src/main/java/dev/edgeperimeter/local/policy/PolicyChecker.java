package dev.edgeperimeter.local.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The checks beyond the format: rules an earlier rule hides (never reached, an error), rules that
 * partly overlap an earlier one with another grant (the earlier decides, a warning), and patterns
 * that grant more than they name.
 *
 * <p>Patterns are sequences of literal segments, named segments (one non-empty segment) and a final
 * wildcard (one or more segments); coverage and overlap are decided segment by segment.
 */
public final class PolicyChecker {
  private PolicyChecker() {
  }

  /** Findings for {@code routes} (in file order). */
  public static List<Finding> check(List<PolicyRoute> routes) {
    List<Finding> out = new ArrayList<>();
    for (int b = 0; b < routes.size(); b++) {
      PolicyRoute later = routes.get(b);
      broad(later, out);
      boolean shadowed = false;
      for (int a = 0; a < b && !shadowed; a++) {
        PolicyRoute earlier = routes.get(a);
        if (covers(earlier, later)) {
          shadowed = true;
          boolean same = earlier.method().equals(later.method()) && earlier.segments().equals(later.segments());
          out.add(Finding.error(later.line(), (same ? "duplicate of" : "shadowed by") + " the rule on line "
              + earlier.line() + " (" + earlier + "): " + later + " is never reached, as the first matching rule decides;"
              + " move the more specific rule first or remove it"));
        }
      }
      if (shadowed) {
        continue;
      }
      for (int a = 0; a < b; a++) {
        PolicyRoute earlier = routes.get(a);
        if (overlap(earlier, later) && !sameGrant(earlier, later)) {
          out.add(Finding.warning(later.line(), "overlaps the rule on line " + earlier.line() + " (" + earlier
              + "), which decides requests such as " + witness(earlier, later) + " with other scopes"));
        }
      }
    }
    return out;
  }

  private static void broad(PolicyRoute r, List<Finding> out) {
    List<String> seg = r.segments();
    boolean literal = seg.stream().anyMatch(s -> !"{}".equals(s) && !"*".equals(s));
    if (!literal && r.wildcard() && !r.isPublic()) {
      out.add(Finding.error(r.line(), r + " grants every path of the API" + (seg.size() > 1 ? " below any first segment" : "")
          + "; name the routes (a literal segment before the '*')"));
    }
    if ("ANY".equals(r.method()) && !r.isPublic()) {
      out.add(Finding.warning(r.line(), "ANY also grants " + r.path() + " to PUT, PATCH, DELETE, HEAD and OPTIONS;"
          + " name the methods the route serves"));
    }
    if (!r.anyOf().isEmpty() && !r.allOf().isEmpty()) {
      for (String s : r.anyOf()) {
        if (r.allOf().contains(s)) {
          out.add(Finding.warning(r.line(), "'" + s + "' is in all_of, so any_of is always met"));
          break;
        }
      }
    }
  }

  static boolean methodsOverlap(PolicyRoute a, PolicyRoute b) {
    return "ANY".equals(a.method()) || "ANY".equals(b.method()) || a.method().equals(b.method());
  }

  /** Whether {@code a} matches every request {@code b} matches. */
  static boolean covers(PolicyRoute a, PolicyRoute b) {
    if (!"ANY".equals(a.method()) && !a.method().equals(b.method())) {
      return false;
    }
    return coversPath(a.segments(), b.segments());
  }

  static boolean coversPath(List<String> a, List<String> b) {
    for (int i = 0; ; i++) {
      if (i < a.size() && "*".equals(a.get(i))) {
        return b.size() > i;
      }
      if (i >= a.size() || i >= b.size()) {
        return a.size() == b.size();
      }
      String x = a.get(i);
      String y = b.get(i);
      if ("*".equals(y)) {
        return false;
      }
      if (!"{}".equals(x) && !x.equals(y)) {
        return false;
      }
    }
  }

  /** Whether some request matches both rules. */
  static boolean overlap(PolicyRoute a, PolicyRoute b) {
    return methodsOverlap(a, b) && overlapPath(a.segments(), b.segments());
  }

  static boolean overlapPath(List<String> a, List<String> b) {
    for (int i = 0; ; i++) {
      boolean aw = i < a.size() && "*".equals(a.get(i));
      boolean bw = i < b.size() && "*".equals(b.get(i));
      if (aw) {
        return b.size() > i;
      }
      if (bw) {
        return a.size() > i;
      }
      if (i >= a.size() || i >= b.size()) {
        return a.size() == b.size();
      }
      String x = a.get(i);
      String y = b.get(i);
      if (!"{}".equals(x) && !"{}".equals(y) && !x.equals(y)) {
        return false;
      }
    }
  }

  /** A request both rules match (they overlap). */
  static String witness(PolicyRoute a, PolicyRoute b) {
    String method = "ANY".equals(a.method()) ? ("ANY".equals(b.method()) ? "GET" : b.method()) : a.method();
    List<String> x = a.segments();
    List<String> y = b.segments();
    StringBuilder path = new StringBuilder();
    for (int i = 0; i < Math.max(x.size(), y.size()); i++) {
      String s = i < x.size() ? x.get(i) : null;
      String t = i < y.size() ? y.get(i) : null;
      if ("*".equals(s) || "*".equals(t)) {
        List<String> rest = "*".equals(s) ? y : x;
        for (int j = i; j < Math.max(i + 1, rest.size()); j++) {
          String r = j < rest.size() ? rest.get(j) : "*";
          path.append('/').append("{}".equals(r) || "*".equals(r) ? "x" : r);
        }
        break;
      }
      path.append('/').append(!"{}".equals(s) ? s : !"{}".equals(t) ? t : "x");
    }
    return method + " " + (path.isEmpty() ? "/" : path);
  }

  private static boolean sameGrant(PolicyRoute a, PolicyRoute b) {
    return a.isPublic() == b.isPublic() && Set.copyOf(a.anyOf()).equals(Set.copyOf(b.anyOf()))
        && Set.copyOf(a.allOf()).equals(Set.copyOf(b.allOf()));
  }
}
