package dev.edgeperimeter.authorizer.policy.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.edgeperimeter.authorizer.policy.RequestPath;
import dev.edgeperimeter.authorizer.policy.RouteScopes;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The route policy's two parsers: the compiled table (strict: a table, or
 * {@link IllegalArgumentException} naming the line) and the request path (the path rule of
 * docs/contract.md, against its regular-expression statement; then a decision, never an exception).
 */
class RoutePolicyFuzzTest {
  private static final Pattern NOT_NORMAL = Pattern.compile(
      "(^|/)\\.{1,2}(/|\\z)|//|\\\\|%(?![0-9A-Fa-f]{2})|%(3[0-9]|4[1-9A-Fa-f]|5[0-9Aa]|6[1-9A-Fa-f]|7[0-9Aa]|2[DdEeFf]|5[CcFf]|7[Ee])");
  private static final RouteScopes SHIPPED = RouteScopes.shipped();

  /** Arbitrary table text: a parsed table whose every rule is well formed, or the documented rejection. */
  @FuzzTest(maxDuration = "10m")
  void arbitraryTable(byte[] input) {
    String text = new String(input, java.nio.charset.StandardCharsets.UTF_8);
    RouteScopes routes;
    try {
      routes = RouteScopes.parse(text);
    } catch (IllegalArgumentException rejected) {
      assertThat(rejected.getMessage()).startsWith("route table");
      return;
    }
    assertThat(text).startsWith(RouteScopes.HEADER + "\n").endsWith("\n");
    for (RouteScopes.Rule r : routes.rules()) {
      assertThat(r.pattern()).startsWith("/");
      assertThat(r.access() == RouteScopes.Access.PUBLIC).isEqualTo(r.anyOf().isEmpty() && r.allOf().isEmpty());
      routes.decide(r.method(), r.pattern(), Set.of()); // a rule's own pattern text is a path too
    }
  }

  /** Arbitrary method, path and scopes on the shipped table: the path rule as stated, then a decision. */
  @FuzzTest(maxDuration = "10m")
  void arbitraryRequest(FuzzedDataProvider data) {
    String method = data.consumeString(10);
    Set<String> scopes = RouteScopes.scopes(data.consumeString(100));
    String path = data.consumeRemainingAsString();
    boolean normal = path.startsWith("/") && path.length() <= RequestPath.MAX_LENGTH && !NOT_NORMAL.matcher(path).find();
    assertThat(RequestPath.isNormal(path)).as(path).isEqualTo(normal);
    RouteScopes.Outcome o = SHIPPED.decide(method, path, scopes);
    assertThat(o.verdict() == RouteScopes.Verdict.PATH_NOT_NORMAL).isEqualTo(!normal);
    if (o.verdict() == RouteScopes.Verdict.ALLOW) {
      assertThat(o.rule()).isNotNull();
      assertThat(o.rule().matches(method, path)).isTrue();
    }
  }
}
