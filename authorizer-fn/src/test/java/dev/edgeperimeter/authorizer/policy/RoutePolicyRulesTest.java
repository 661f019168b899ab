package dev.edgeperimeter.authorizer.policy;

import static dev.edgeperimeter.authorizer.support.Cores.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgeperimeter.authorizer.core.AuthorizerCore;
import dev.edgeperimeter.authorizer.core.Decision;
import dev.edgeperimeter.authorizer.core.Reason;
import dev.edgeperimeter.authorizer.support.Cores;
import dev.edgeperimeter.authorizer.support.Minter;
import dev.edgeperimeter.authorizer.support.Tables;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("Route policy: the path rule, first match, any_of/all_of, public routes, the strict table")
class RoutePolicyRulesTest {
  private static final String BASE = "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod";
  private final RouteScopes routes = Tables.of("GET /orders/special any=orders:admin", "GET /orders/{id} any=orders:read",
      "GET /orders/{id}/items/* any=orders:read", "DELETE /orders/{id} all=orders:write,orders:admin",
      "ANY /health public");
  private final AuthorizerCore core = Cores.edge(routes);

  private Decision decide(String method, String path, String scope) {
    Map<String, Object> c = Minter.claims(method, path);
    if (scope != null) {
      c.put("scope", scope);
    }
    return Cores.decide(core, method, path, Cores.signed(c), null);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"/orders/../admin", "/orders/1%2F..%2Fadmin", "/orders/%2e%2e/admin", "/orders/.%2E/admin",
      "/orders//42", "//orders/42", "/orders\\42", "/orders/%5C42", "/orders/%5c42", "/%6Frders/42", "/orders/./42",
      "/orders/..", "/orders/%", "/orders/%4", "/orders/%zz"})
  void pathsTheRuleRefusesAreUnauthorizedBeforeAnyRuleOrKey(String path) {
    assertThat(RequestPath.isNormal(path)).isFalse();
    assertRejected(decide("GET", path, "orders:read orders:admin"), Reason.PATH_NOT_NORMAL);
    assertRejected(Cores.decide(core, "GET", path, "not-even-an-assertion", null), Reason.PATH_NOT_NORMAL);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"/", "/orders/42", "/orders/42/", "/orders/caf%C3%A9", "/a/.b/..c/...", "/x%20y",
      "/orders/42;v=1/items:batch/@x!$&'()*+,="})
  void normalPathsPass(String path) {
    assertThat(RequestPath.isNormal(path)).isTrue();
  }

  @ParameterizedTest(name = "{0} {1} [{2}] -> {3}")
  @CsvSource(delimiter = '|', value = {
      "GET|/orders/special|orders:read|scope_denied|test:1",
      "GET|/orders/special|orders:admin|allow|test:1",
      "GET|/orders/42|orders:read|allow|test:2",
      "GET|/orders/|orders:read|scope_denied|",
      "GET|/orders/42/items/|orders:read|allow|test:3",
      "GET|/orders/42/items|orders:read|scope_denied|",
      "DELETE|/orders/42|orders:write|scope_denied|test:4",
      "DELETE|/orders/42|orders:write orders:admin|allow|test:4",
      "POST|/health||allow|test:5",
      "GET|/admin|orders:read orders:write orders:admin|scope_denied|"})
  void theFirstMatchingRuleDecides(String method, String path, String scope, String verdict, String rule) {
    RouteScopes.Outcome o = routes.decide(method, path, RouteScopes.scopes(scope));
    assertThat(o.verdict().code()).isEqualTo(verdict);
    assertThat(o.rule() == null ? null : o.rule().source()).isEqualTo(rule);
    Decision d = decide(method, path, scope);
    assertThat(d.reason()).isEqualTo("allow".equals(verdict) ? Reason.OK : Reason.SCOPE_DENIED);
  }

  @Test
  void allowListsTheGrantedRulesAsResourcesAndPublicRulesForEveryone() {
    Decision d = decide("GET", "/orders/42", "orders:read");
    assertThat(d.allow()).containsExactly(BASE + "/GET/orders/*", BASE + "/GET/orders/*/items/*",
        BASE + "/GET/health", BASE + "/POST/health", BASE + "/PUT/health", BASE + "/PATCH/health",
        BASE + "/DELETE/health", BASE + "/HEAD/health", BASE + "/OPTIONS/health");
    assertThat(d.deny()).isNull();
  }

  @Test
  void aRequestTheFirstMatchRefusesGetsTheExplicitDenyEvenWhenALaterRuleWouldGrantIt() {
    Decision d = decide("GET", "/orders/special", "orders:read");
    assertThat(d.outcome()).isEqualTo(Decision.Outcome.DENY);
    assertThat(d.deny()).isEqualTo(BASE + "/GET/orders/special");
    assertThat(d.allow()).contains(BASE + "/GET/orders/*");
  }

  @ParameterizedTest(name = "[{index}]")
  @ValueSource(strings = {"", "edge-perimeter-route-table 2\nGET\t/x\tscoped\ta\t-\tp:1\n",
      "edge-perimeter-route-table 1\nGET\t/x\tscoped\ta\t-\tp:1", "edge-perimeter-route-table 1\nGET\t/x\tscoped\ta\t-\n",
      "edge-perimeter-route-table 1\nget\t/x\tscoped\ta\t-\tp:1\n", "edge-perimeter-route-table 1\nGET\t/x*\tscoped\ta\t-\tp:1\n",
      "edge-perimeter-route-table 1\nGET\t/*/x\tscoped\ta\t-\tp:1\n", "edge-perimeter-route-table 1\nGET\t/x/..\tscoped\ta\t-\tp:1\n",
      "edge-perimeter-route-table 1\nGET\t/x\tscoped\t-\t-\tp:1\n", "edge-perimeter-route-table 1\nGET\t/x\tpublic\ta\t-\tp:1\n",
      "edge-perimeter-route-table 1\nGET\t/x\tscoped\ta a\t-\tp:1\n", "edge-perimeter-route-table 1\n\nGET\t/x\tscoped\ta\t-\tp:1\n",
      "edge-perimeter-route-table 1\n"})
  void theTableParserIsStrict(String table) {
    assertThatThrownBy(() -> RouteScopes.parse(table)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("route table");
  }

  @Test
  void withoutAPolicyThereIsNoPathRuleEither() {
    assertThat(RouteScopes.none().decide("GET", "/a//b", Set.of()).verdict()).isEqualTo(RouteScopes.Verdict.ALLOW);
  }
}
