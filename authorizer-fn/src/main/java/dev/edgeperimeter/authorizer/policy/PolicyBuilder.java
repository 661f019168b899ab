package dev.edgeperimeter.authorizer.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Turns an identity's scopes into the resources of its IAM policy.
 *
 * <p>API Gateway caches an authorizer's answer per identity source and applies it to every route,
 * so the Allow statement lists every route the scopes grant, never just the current one; a route
 * the scopes do not grant gets an explicit Deny statement for the current resource (403), and the
 * other granted routes stay allowed in the same (cacheable) policy.
 */
public final class PolicyBuilder {
  /** The HTTP methods API Gateway routes (its {@code ANY} stands for these). */
  static final List<String> API_GATEWAY_METHODS = List.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS");

  private final RouteScopes routes;

  public PolicyBuilder(RouteScopes routes) {
    this.routes = routes;
  }

  /**
   * The policy for an identity holding {@code scopes}, requesting {@code method} {@code path} (the
   * request line the assertion binds, which passed the path rule) at {@code arn}.
   *
   * @return the resources to allow and, when the current route is not granted, the one to deny
   */
  public Grant grant(MethodArn arn, String method, String path, Set<String> scopes) {
    if (routes.isEmpty()) {
      return new Grant(List.of(arn.resource("*", "/*")), null);
    }
    List<String> allowed = new ArrayList<>(routes.rules().size());
    for (RouteScopes.Rule rule : routes.rules()) {
      if (!rule.grantedBy(scopes)) {
        continue;
      }
      for (String resourceMethod : resourceMethods(rule.method())) {
        String resource = arn.resource(resourceMethod, rule.resourcePath());
        if (!allowed.contains(resource)) {
          allowed.add(resource);
        }
      }
    }
    boolean current = routes.decide(method, path, scopes).verdict() == RouteScopes.Verdict.ALLOW;
    return new Grant(List.copyOf(allowed), current ? null : arn.resource());
  }

  /**
   * The method parts of the resource ARNs for a rule's method. An {@code ANY} rule is spelled out
   * as API Gateway's methods: in an IAM resource, {@code *} matches any run of characters including
   * {@code /}, so {@code .../stage/{@literal *}/x} would also match {@code .../stage/GET/admin/x}, a
   * route the rule does not name. (A named segment or the trailing wildcard of a pattern becomes
   * {@code *} in the resource, which IAM also lets match deeper paths; the decision itself is the
   * table's, and a route it refuses gets the explicit Deny, which wins over any Allow.)
   */
  private static List<String> resourceMethods(String ruleMethod) {
    return "ANY".equals(ruleMethod) ? API_GATEWAY_METHODS : List.of(ruleMethod);
  }

  /** Whether {@code path} passes the path rule (always, without a route policy). */
  public boolean pathAllowed(String path) {
    return !routes.enforced() || RequestPath.isNormal(path);
  }

  /** Whether {@code method} {@code path} needs no user token (its deciding rule is public). */
  public boolean publicRoute(String method, String path) {
    return routes.isPublic(method, path);
  }

  /** Whether {@code scopes} grant {@code method} {@code path} (for answers without a policy). */
  public boolean permits(String method, String path, Set<String> scopes) {
    return routes.decide(method, path, scopes).verdict() == RouteScopes.Verdict.ALLOW;
  }

  /**
   * @param allow resources of the Allow statement (possibly empty)
   * @param deny  the current resource when it is not granted (explicit Deny), else {@code null}
   */
  public record Grant(List<String> allow, String deny) {
    public boolean currentAllowed() {
      return deny == null;
    }
  }
}
