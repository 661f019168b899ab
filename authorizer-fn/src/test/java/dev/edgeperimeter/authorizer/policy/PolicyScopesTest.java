package dev.edgeperimeter.authorizer.policy;

import static dev.edgeperimeter.authorizer.support.Cores.assertAllowed;
import static org.assertj.core.api.Assertions.assertThat;

import dev.edgeperimeter.authorizer.core.AuthorizerConfig;
import dev.edgeperimeter.authorizer.core.AuthorizerCore;
import dev.edgeperimeter.authorizer.core.Decision;
import dev.edgeperimeter.authorizer.core.Reason;
import dev.edgeperimeter.authorizer.support.Cores;
import dev.edgeperimeter.authorizer.support.Minter;
import dev.edgeperimeter.authorizer.support.Tables;
import dev.edgeperimeter.shared.config.Env;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Route policy: scopes grant routes; the Allow lists every granted route; others are denied")
class PolicyScopesTest {
  private static final String BASE = "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod";
  private final AuthorizerCore core = Cores.edge(Tables.of("GET /orders/* any=orders:read", "POST /orders any=orders:write",
      "DELETE /orders/* any=orders:admin", "GET /health any=orders:read,orders:write"));

  private Decision decide(String method, String path, String scope, String sub) {
    Map<String, Object> c = Minter.claims(method, path);
    if (scope != null) {
      c.put("scope", scope);
    }
    if (sub != null) {
      c.put("sub", sub);
    }
    return Cores.decide(core, method, path, Cores.signed(c), null);
  }

  @Test
  void allowListsEveryRouteTheScopesGrantNotJustTheCurrentOne() {
    Decision d = decide("GET", "/orders/42", "orders:read orders:write", "alice");
    assertAllowed(d);
    assertThat(d.allow()).containsExactly(BASE + "/GET/orders/*", BASE + "/POST/orders", BASE + "/GET/health");
    assertThat(d.deny()).isNull();
  }

  @Test
  void routesOfOtherScopesAreNotListed() {
    Decision d = decide("GET", "/orders/42", "orders:read", "alice");
    assertAllowed(d);
    assertThat(d.allow()).containsExactly(BASE + "/GET/orders/*", BASE + "/GET/health");
  }

  @Test
  void validIdentityWithoutTheRouteScopeGetsAnExplicitDeny() {
    Decision d = decide("POST", "/orders", "orders:read", "alice");
    assertThat(d.outcome()).isEqualTo(Decision.Outcome.DENY);
    assertThat(d.reason()).isEqualTo(Reason.SCOPE_DENIED);
    assertThat(d.deny()).isEqualTo(BASE + "/POST/orders");
    assertThat(d.allow()).as("granted routes stay allowed in the cacheable policy").contains(BASE + "/GET/orders/*");
    assertThat(d.principalId()).isEqualTo("alice");
  }

  @Test
  void noScopeAtAllIsDeniedEverywhere() {
    Decision d = decide("GET", "/orders/42", null, null);
    assertThat(d.outcome()).isEqualTo(Decision.Outcome.DENY);
    assertThat(d.allow()).isEmpty();
  }

  @Test
  void routesThePolicyDoesNotNameAreDenied() {
    Decision d = decide("GET", "/admin", "orders:read orders:write orders:admin", "alice");
    assertThat(d.outcome()).isEqualTo(Decision.Outcome.DENY);
    assertThat(d.reason()).isEqualTo(Reason.SCOPE_DENIED);
  }

  @Test
  void wildcardMatchesLikeTheExecuteApiArn() {
    assertAllowed(decide("GET", "/orders/42/items/7", "orders:read", null));
    assertThat(decide("GET", "/orders", "orders:read", null).outcome()).isEqualTo(Decision.Outcome.DENY);
  }

  @Test
  void withoutRouteScopesEveryValidIdentityIsAllowedEverywhere() {
    Decision d = Cores.decide(Cores.edge(), "DELETE", "/anything", Cores.signed(Minter.claims("DELETE", "/anything")), null);
    assertAllowed(d);
    assertThat(d.allow()).containsExactly(BASE + "/*/*");
  }

  @Test
  void principalIsSubOrElseTheEdgeIssuerAndContextHoldsStrings() {
    Decision withSub = decide("GET", "/orders/1", "orders:read", "alice");
    assertThat(withSub.principalId()).isEqualTo("alice");
    assertThat(withSub.context()).containsOnlyKeys("sub", "scope", "kid", "jti", "edgeIssuer")
        .containsEntry("sub", "alice").containsEntry("scope", "orders:read").containsEntry("edgeIssuer", Minter.ISSUER)
        .containsEntry("jti", "req-test-0001");
    Decision withoutSub = decide("GET", "/orders/1", "orders:read", null);
    assertThat(withoutSub.principalId()).isEqualTo(Minter.ISSUER);
    assertThat(withoutSub.context()).containsEntry("sub", "");
  }

  @Test
  void methodArnParsing() {
    MethodArn arn = MethodArn.parse("arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/GET/orders/42");
    assertThat(arn.base()).isEqualTo(BASE);
    assertThat(arn.method()).isEqualTo("GET");
    assertThat(arn.path()).isEqualTo("/orders/42");
    assertThat(MethodArn.parse("arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/GET/").path()).isEqualTo("/");
    assertThat(MethodArn.parse("arn:aws:execute-api:us-east-1:123456789012:api/$default/POST/x").base())
        .isEqualTo("arn:aws:execute-api:us-east-1:123456789012:api/$default");
    assertThat(MethodArn.parse("arn:aws:execute-api:us-east-1:1:api/$default/POST/x")).as("short account").isNull();
    assertThat(MethodArn.parse("not an arn")).isNull();
    assertThat(MethodArn.parse("arn:aws:execute-api:us-east-1:1:api")).isNull();
    assertThat(MethodArn.parse(null)).isNull();
  }

  @Test
  void theFunctionLoadsTheShippedCompiledPolicyFromItsClasspath() {
    Map<String, String> env = Map.of("AUTH_MODE", "edge", "KEY_TABLE_NAME", "t", "EDGE_ISSUERS", "i", "EDGE_AUDIENCE", "a");
    RouteScopes routes = AuthorizerConfig.fromEnv(Env.of(env)).routeScopes();
    assertThat(routes.enforced()).isTrue();
    assertThat(routes.rules()).extracting(RouteScopes.Rule::source).allMatch(s -> s.startsWith("policy/routes.yaml:"));
  }

  @Test
  @DisplayName("attack: an ANY rule's IAM '*' in the method slot must not span '/' into other paths")
  void anyMethodRuleWildcardDoesNotSpanIntoOtherPaths() {
    AuthorizerCore anyCore = Cores.edge(Tables.of("ANY /x any=p", "GET /orders/* any=p"));
    Map<String, Object> c = Minter.claims("GET", "/x");
    c.put("scope", "p");
    Decision d = Cores.decide(anyCore, "GET", "/x", Cores.signed(c), null);
    assertAllowed(d);
    // API Gateway evaluates (and, when cached, re-applies) the policy with IAM wildcard rules:
    // no Allow resource may match a route the rules do not name.
    for (String notNamed : new String[] {BASE + "/GET/admin/x", BASE + "/GET/a/b/x", BASE + "/POST/admin/orders/1",
        BASE + "/DELETE/y/orders/1"}) {
      assertThat(d.allow()).as(notNamed).noneMatch(resource -> iamMatches(resource, notNamed));
    }
    for (String method : new String[] {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}) {
      assertThat(d.allow()).as(method).anyMatch(resource -> iamMatches(resource, BASE + "/" + method + "/x"));
    }
  }

  /** IAM resource matching: '*' any run of characters (including '/'), '?' any one character. */
  private static boolean iamMatches(String pattern, String resource) {
    return resource.matches(java.util.regex.Pattern.quote(pattern).replace("*", "\\E.*\\Q").replace("?", "\\E.\\Q"));
  }

  @Test
  void anyMethodRules() {
    RouteScopes routes = Tables.of("ANY /public/* any=p", "ANY /x any=q");
    assertThat(routes.rules()).extracting(RouteScopes.Rule::method).containsExactly("ANY", "ANY");
    assertThat(routes.match("DELETE", "/public/a")).isSameAs(routes.rules().get(0));
  }
}
