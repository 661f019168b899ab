package dev.edgeperimeter.local.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A deliberately plain model of the policy's meaning, independent of both runtimes, that computes
 * the expected decisions of the decision vectors: the path rule and each pattern as a regular
 * expression, the first match deciding.
 */
public final class ReferenceModel {
  /** Dot segments; doubled slashes; backslashes; malformed escapes; escapes of / \ and unreserved characters. */
  private static final Pattern NOT_NORMAL = Pattern.compile(
      "(^|/)\\.{1,2}(/|$)|//|\\\\|%(?![0-9A-Fa-f]{2})|%(3[0-9]|4[1-9A-Fa-f]|5[0-9Aa]|6[1-9A-Fa-f]|7[0-9Aa]|2[DdEeFf]|5[CcFf]|7[Ee])");

  private final List<PolicyRoute> routes;
  private final List<Pattern> patterns = new ArrayList<>();
  private final String source;

  public ReferenceModel(List<PolicyRoute> routes, String source) {
    this.routes = routes;
    this.source = source;
    for (PolicyRoute r : routes) {
      patterns.add(regex(r.path()));
    }
  }

  static Pattern regex(String path) {
    if ("/".equals(path)) {
      return Pattern.compile("/");
    }
    StringBuilder re = new StringBuilder();
    for (String seg : path.substring(1).split("/", -1)) {
      re.append('/');
      if ("*".equals(seg)) {
        re.append(".*");
      } else if (seg.startsWith("{")) {
        re.append("[^/]+");
      } else {
        re.append(Pattern.quote(seg));
      }
    }
    return Pattern.compile(re.toString());
  }

  public static boolean normal(String path) {
    return path.startsWith("/") && !NOT_NORMAL.matcher(path).find();
  }

  /** {@code [decision, rule source or null]}. */
  public String[] decide(String method, String path, Set<String> scopes) {
    if (!normal(path)) {
      return new String[] {"path_not_normal", null};
    }
    for (int i = 0; i < routes.size(); i++) {
      PolicyRoute r = routes.get(i);
      if ((r.method().equals("ANY") || r.method().equals(method)) && patterns.get(i).matcher(path).matches()) {
        boolean granted = r.isPublic()
            || scopes.containsAll(r.allOf()) && (r.anyOf().isEmpty() || r.anyOf().stream().anyMatch(scopes::contains));
        return new String[] {granted ? "allow" : "scope_denied", source + ":" + r.line()};
      }
    }
    return new String[] {"scope_denied", null};
  }
}
