package dev.edgeperimeter.authorizer.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The path rule and first-match decisions against a small reference model (regular expressions),
 * on generated tables, paths and scope sets. The EdgeWorker's suite runs the same model
 * ({@code edgeworker/test/route-policy.test.mjs}).
 */
class RoutePolicyPropertiesTest {
  private static final Pattern NOT_NORMAL = Pattern.compile(
      "(^|/)\\.{1,2}(/|$)|//|\\\\|%(?![0-9A-Fa-f]{2})|%(3[0-9]|4[1-9A-Fa-f]|5[0-9Aa]|6[1-9A-Fa-f]|7[0-9Aa]|2[DdEeFf]|5[CcFf]|7[Ee])");
  private static final List<String> LITERALS = List.of("a", "b", "orders", "x.y", "~u", "a-b");
  private static final List<String> SCOPES = List.of("s1", "s2", "s3");
  private static final List<String> PIECES = List.of("/", "/", "/", "a", "b", "orders", "x.y", "~u", ".", "..", "%2e",
      "%2E", "%2F", "%5c", "%41", "%C3%A9", "%20", "%", "%4", "\\", "42", "a-b");

  static boolean modelNormal(String path) {
    return path.startsWith("/") && !NOT_NORMAL.matcher(path).find();
  }

  static Pattern modelRegex(String pattern) {
    if ("/".equals(pattern)) {
      return Pattern.compile("/");
    }
    StringBuilder re = new StringBuilder();
    for (String s : pattern.substring(1).split("/", -1)) {
      re.append('/').append("*".equals(s) ? ".*" : s.startsWith("{") ? "[^/]+" : Pattern.quote(s));
    }
    return Pattern.compile(re.toString());
  }

  static String[] modelDecide(RouteScopes routes, String method, String path, Set<String> scopes) {
    if (!modelNormal(path)) {
      return new String[] {"path_not_normal", null};
    }
    for (RouteScopes.Rule r : routes.rules()) {
      if ((r.method().equals("ANY") || r.method().equals(method)) && modelRegex(r.pattern()).matcher(path).matches()) {
        boolean ok = r.access() == RouteScopes.Access.PUBLIC || scopes.containsAll(r.allOf())
            && (r.anyOf().isEmpty() || r.anyOf().stream().anyMatch(scopes::contains));
        return new String[] {ok ? "allow" : "scope_denied", r.source()};
      }
    }
    return new String[] {"scope_denied", null};
  }

  @Provide
  Arbitrary<String> rule() {
    Arbitrary<String> segment = Arbitraries.oneOf(Arbitraries.of(LITERALS), Arbitraries.just("{p}"));
    Arbitrary<String> pattern = Combinators.combine(segment.list().ofMaxSize(3), Arbitraries.of(true, false))
        .as((segs, wild) -> {
          List<String> named = new ArrayList<>();
          for (int i = 0; i < segs.size(); i++) {
            named.add("{p}".equals(segs.get(i)) ? "{p" + i + "}" : segs.get(i));
          }
          if (wild) {
            named.add("*");
          }
          return "/" + String.join("/", named);
        });
    Arbitrary<String> scopes = Arbitraries.of(SCOPES).set().ofMinSize(1).ofMaxSize(2).map(s -> String.join(" ", s));
    return Combinators.combine(Arbitraries.of("GET", "POST", "ANY"), pattern, Arbitraries.integers().between(0, 3),
        scopes, scopes).as((m, p, kind, any, all) -> switch (kind) {
          case 0 -> m + "\t" + p + "\tpublic\t-\t-";
          case 1 -> m + "\t" + p + "\tscoped\t" + any + "\t-";
          case 2 -> m + "\t" + p + "\tscoped\t-\t" + all;
          default -> m + "\t" + p + "\tscoped\t" + any + "\t" + all;
        });
  }

  @Provide
  Arbitrary<RouteScopes> table() {
    return rule().list().ofMinSize(1).ofMaxSize(5).map(rules -> {
      StringBuilder b = new StringBuilder(RouteScopes.HEADER).append('\n');
      for (int i = 0; i < rules.size(); i++) {
        b.append(rules.get(i)).append("\tt:").append(i + 2).append('\n');
      }
      return RouteScopes.parse(b.toString());
    });
  }

  @Provide
  Arbitrary<String> path() {
    return Combinators.combine(Arbitraries.of(PIECES).list().ofMaxSize(7), Arbitraries.integers().between(0, 19))
        .as((pieces, lead) -> (lead == 0 ? "" : "/") + String.join("", pieces));
  }

  @Provide
  Arbitrary<Set<String>> scopes() {
    return Arbitraries.of(SCOPES).set().ofMaxSize(3);
  }

  @Property(tries = 3000)
  void decisionsEqualTheReferenceModel(@ForAll("table") RouteScopes routes, @ForAll("path") String path,
      @ForAll("scopes") Set<String> scopes, @ForAll("method") String method) {
    RouteScopes.Outcome got = routes.decide(method, path, scopes);
    String[] want = modelDecide(routes, method, path, scopes);
    assertThat(new String[] {got.verdict().code(), got.rule() == null ? null : got.rule().source()})
        .as("%s %s %s in %s", method, path, scopes, routes).containsExactly(want);
  }

  @Property(tries = 5000)
  void thePathRuleEqualsTheReferenceModel(@ForAll("path") String path) {
    assertThat(RequestPath.isNormal(path)).as(path).isEqualTo(modelNormal(path));
  }

  @Provide
  Arbitrary<String> method() {
    return Arbitraries.of("GET", "POST", "PUT");
  }
}
