package dev.edgeperimeter.local.stack;

import static dev.edgeperimeter.testsupport.SamTemplate.list;
import static dev.edgeperimeter.testsupport.SamTemplate.map;

import dev.edgeperimeter.testsupport.SamTemplate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An {@code AWS::Serverless::Api} (REST) of the template as the local gateway serves it: its stage,
 * binary media types, default {@code REQUEST} authorizer (function, identity sources, cache TTL),
 * and the routes that functions attach to it with {@code Events} of {@code Type: Api}. Everything
 * is read from the template through {@link SamTemplate} and resolved with the stack's parameter
 * values; nothing is hard-coded.
 *
 * @param apiLogicalId       the API's logical id ({@code EdgeApi})
 * @param stageName          {@code StageName}
 * @param binaryMediaTypes   {@code BinaryMediaTypes}, {@code ~1} decoded to {@code /}
 * @param authorizer         the default authorizer, if any
 * @param routes             method + resource path to function
 */
public record RestApiDefinition(String apiLogicalId, String stageName, List<String> binaryMediaTypes,
    Optional<Authorizer> authorizer, List<Route> routes) {

  /**
   * A {@code REQUEST} Lambda authorizer.
   *
   * @param name              its name in {@code Auth.Authorizers}
   * @param functionLogicalId the function {@code FunctionArn} refers to
   * @param identityHeaders   {@code Identity.Headers}
   * @param identityQueryStrings {@code Identity.QueryStrings}
   * @param identityContext   {@code Identity.Context} ({@code httpMethod}, {@code path}, ...)
   * @param cacheTtlSeconds   {@code Identity.ReauthorizeEvery} (0: no caching)
   */
  public record Authorizer(String name, String functionLogicalId, List<String> identityHeaders,
      List<String> identityQueryStrings, List<String> identityContext, int cacheTtlSeconds) {
  }

  /**
   * One method on one resource.
   *
   * @param method            HTTP method, upper case ({@code ANY} matches every method)
   * @param resourcePath      API Gateway resource path, e.g. {@code /orders/{id}}
   * @param functionLogicalId the integration (Lambda proxy)
   * @param authorized        whether the default authorizer applies ({@code Auth.Authorizer: NONE} turns it off)
   */
  public record Route(String method, String resourcePath, String functionLogicalId, boolean authorized) {
    private static final Pattern PARAM = Pattern.compile("\\{([A-Za-z0-9_]+)(\\+?)}");

    /** Path parameters when {@code path} (without stage) matches this resource, else empty. */
    public Optional<Map<String, String>> match(String path) {
      Matcher m = PARAM.matcher(resourcePath);
      StringBuilder regex = new StringBuilder("^");
      List<String> names = new ArrayList<>();
      int last = 0;
      while (m.find()) {
        regex.append(Pattern.quote(resourcePath.substring(last, m.start())));
        regex.append(m.group(2).isEmpty() ? "([^/]+)" : "(.+)");
        names.add(m.group(1));
        last = m.end();
      }
      regex.append(Pattern.quote(resourcePath.substring(last))).append("/?$");
      Matcher p = Pattern.compile(regex.toString()).matcher(path);
      if (!p.matches()) {
        return Optional.empty();
      }
      Map<String, String> params = new LinkedHashMap<>();
      for (int i = 0; i < names.size(); i++) {
        params.put(names.get(i), java.net.URLDecoder.decode(p.group(i + 1).replace("+", "%2B"),
            java.nio.charset.StandardCharsets.UTF_8));
      }
      return Optional.of(params);
    }
  }

  /** Reads the API {@code apiLogicalId} of {@code template}, resolving values with {@code resolver}. */
  public static RestApiDefinition read(SamTemplate template, String apiLogicalId, SamTemplate.Resolver resolver) {
    if (!"AWS::Serverless::Api".equals(template.type(apiLogicalId))) {
      throw new IllegalArgumentException(apiLogicalId + " is not an AWS::Serverless::Api");
    }
    Map<String, Object> p = template.properties(apiLogicalId);
    String stage = resolver.resolve(p.getOrDefault("StageName", "prod"));
    List<String> binary = list(resolver.evaluate(p.get("BinaryMediaTypes"))).stream()
        .map(v -> String.valueOf(v).replace("~1", "/").toLowerCase(Locale.ROOT))
        .toList();
    Map<String, Object> auth = map(p.get("Auth"));
    Optional<Authorizer> authorizer = Optional.empty();
    Object defaultName = auth.get("DefaultAuthorizer");
    if (defaultName != null && !"NONE".equals(defaultName)) {
      String name = resolver.resolve(defaultName);
      Map<String, Object> a = map(map(auth.get("Authorizers")).get(name));
      if (a.isEmpty()) {
        throw new IllegalArgumentException(apiLogicalId + ": DefaultAuthorizer " + name + " is not in Auth.Authorizers");
      }
      String payload = resolver.resolve(a.getOrDefault("FunctionPayloadType", "TOKEN"));
      if (!"REQUEST".equals(payload)) {
        throw new IllegalArgumentException(apiLogicalId + ": the local gateway plays REQUEST authorizers only, "
            + name + " is " + payload);
      }
      Map<String, Object> identity = map(a.get("Identity"));
      authorizer = Optional.of(new Authorizer(name, functionOf(a.get("FunctionArn")),
          strings(resolver, identity.get("Headers")),
          strings(resolver, identity.get("QueryStrings")),
          strings(resolver, identity.get("Context")),
          Integer.parseInt(resolver.resolve(identity.getOrDefault("ReauthorizeEvery", 300)))));
    }
    List<Route> routes = new ArrayList<>();
    for (String fn : template.resourcesOfType("AWS::Serverless::Function")) {
      map(template.properties(fn).get("Events")).forEach((eventName, e) -> {
        Map<String, Object> event = map(e);
        if (!"Api".equals(event.get("Type"))) {
          return;
        }
        Map<String, Object> ep = map(event.get("Properties"));
        if (!apiLogicalId.equals(refTarget(ep.get("RestApiId")))) {
          return;
        }
        Object eventAuthorizer = map(ep.get("Auth")).get("Authorizer");
        boolean authorized = !"NONE".equals(eventAuthorizer == null ? null : resolver.resolve(eventAuthorizer));
        routes.add(new Route(resolver.resolve(ep.get("Method")).toUpperCase(Locale.ROOT),
            resolver.resolve(ep.get("Path")), fn, authorized));
      });
    }
    return new RestApiDefinition(apiLogicalId, stage, binary, authorizer, List.copyOf(routes));
  }

  /** The route for {@code method} on {@code path} (stage removed), with its path parameters. */
  public Optional<Map.Entry<Route, Map<String, String>>> route(String method, String path) {
    for (Route r : routes) {
      if (r.method().equals(method) || r.method().equals("ANY")) {
        Optional<Map<String, String>> params = r.match(path);
        if (params.isPresent()) {
          return Optional.of(Map.entry(r, params.get()));
        }
      }
    }
    return Optional.empty();
  }

  /** Whether {@code contentType} is one of the binary media types ({@code type/*} and {@code *}{@code /*} match). */
  public boolean isBinary(String contentType) {
    if (contentType == null || contentType.isBlank()) {
      return false;
    }
    String type = contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
    for (String binary : binaryMediaTypes) {
      if (binary.equals(type) || binary.equals("*/*")
          || (binary.endsWith("/*") && type.startsWith(binary.substring(0, binary.length() - 1)))) {
        return true;
      }
    }
    return false;
  }

  private static List<String> strings(SamTemplate.Resolver resolver, Object value) {
    return list(value).stream().map(resolver::resolve).toList();
  }

  /** {@code !Ref X}, {@code !Ref X.Alias}, {@code !GetAtt X.Arn}: the logical id X. */
  private static String functionOf(Object arn) {
    String target = refTarget(arn);
    if (target == null) {
      throw new IllegalArgumentException("authorizer FunctionArn must reference a function of the template");
    }
    return target.contains(".") ? target.substring(0, target.indexOf('.')) : target;
  }

  private static String refTarget(Object value) {
    Map<String, Object> m = map(value);
    if (m.containsKey("Ref")) {
      return String.valueOf(m.get("Ref"));
    }
    if (m.containsKey("Fn::GetAtt")) {
      Object a = m.get("Fn::GetAtt");
      return a instanceof List<?> l ? String.valueOf(l.get(0)) : String.valueOf(a);
    }
    return value instanceof String s ? s : null;
  }
}
