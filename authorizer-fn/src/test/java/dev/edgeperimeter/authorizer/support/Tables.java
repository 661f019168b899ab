package dev.edgeperimeter.authorizer.support;

import dev.edgeperimeter.authorizer.policy.RouteScopes;

/** Route tables for tests, written as {@code "GET /orders/* any=orders:read all=a,b"} or {@code "ANY /health public"}. */
public final class Tables {
  private Tables() {
  }

  /** The compiled table text of {@code rules} (sources {@code test:1}, {@code test:2}, ...). */
  public static String text(String... rules) {
    StringBuilder b = new StringBuilder(RouteScopes.HEADER).append('\n');
    int line = 1;
    for (String rule : rules) {
      String[] f = rule.split(" ");
      String any = "-";
      String all = "-";
      boolean isPublic = false;
      for (int i = 2; i < f.length; i++) {
        if (f[i].startsWith("any=")) {
          any = f[i].substring(4).replace(',', ' ');
        } else if (f[i].startsWith("all=")) {
          all = f[i].substring(4).replace(',', ' ');
        } else if (f[i].equals("public")) {
          isPublic = true;
        }
      }
      b.append(f[0]).append('\t').append(f[1]).append('\t').append(isPublic ? "public" : "scoped").append('\t')
          .append(any).append('\t').append(all).append("\ttest:").append(line++).append('\n');
    }
    return b.toString();
  }

  public static RouteScopes of(String... rules) {
    return RouteScopes.parse(text(rules));
  }
}
