package dev.edgeperimeter.local.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * API Gateway (REST API, Lambda proxy integrations, a {@code REQUEST} Lambda authorizer) on a
 * loopback port, playing a {@link RestApiDefinition} read from {@code template.yaml}:
 *
 * <ul>
 *   <li>URLs are {@code /<stage>/<resource path>}; an unknown stage answers 403
 *       {@code {"message":"Forbidden"}}, an unknown route 403 {@code {"message":"Missing Authentication Token"}};</li>
 *   <li>a request missing an identity source (the identity header, an identity query string) is
 *       answered 401 {@code {"message":"Unauthorized"}} without invoking the authorizer;</li>
 *   <li>otherwise the authorizer gets the REST {@code REQUEST} event ({@code methodArn}
 *       {@code arn:aws:execute-api:us-east-1:123456789012:<apiId>/<stage>/<METHOD>/<path>}); its
 *       error {@code Unauthorized} → 401 {@code {"message":"Unauthorized"}}; a policy that denies
 *       this ARN explicitly → 403 {@code {"Message":"User is not authorized to access this resource with an explicit deny"}},
 *       implicitly → 403 {@code {"Message":"User is not authorized to access this resource"}}; any
 *       other failure (error, malformed answer) → 500 {@code {"message":null}};</li>
 *   <li>allowed requests reach the integration as an {@code APIGatewayProxyRequestEvent} with
 *       {@code requestContext.authorizer} = the policy's context + {@code principalId}; a function
 *       error or malformed proxy result → 502 {@code {"message": "Internal server error"}};</li>
 *   <li>authorizer results are cached for {@code ReauthorizeEvery} seconds (0: off, the
 *       template's default) keyed by all identity source values (header, method, path);</li>
 *   <li>request bodies whose {@code Content-Type} is a binary media type are base64-encoded
 *       ({@code isBase64Encoded}); a base64 proxy result is decoded when the request's
 *       {@code Accept} is a binary media type, as API Gateway does.</li>
 * </ul>
 *
 * <p>Known differences: header names reach functions in canonical {@code Train-Case} (the JDK
 * server does not keep the client's spelling; API Gateway does), one invocation per function runs
 * at a time, there is no throttling, no usage plans, no request validation, and only the default
 * {@code REQUEST} authorizer is played.
 */
public final class LocalApiGateway implements AutoCloseable {
  private static final int MAX_BODY = 10 * 1024 * 1024;

  /**
   * Options.
   *
   * @param port             0 for a free port
   * @param cacheTtlOverride replaces the template's {@code ReauthorizeEvery} when present
   * @param accessLog        receives one line per request (never header values or bodies)
   */
  public record Options(int port, Optional<Duration> cacheTtlOverride, Consumer<String> accessLog) {
    public static Options defaults() {
      return new Options(0, Optional.empty(), line -> { });
    }
  }

  private final RestApiDefinition api;
  private final Map<String, FunctionInvoker> functions;
  private final Options options;
  private final String apiId;
  private final ProxyEvents events;
  private final Map<String, CachedAuthorization> cache = new ConcurrentHashMap<>();
  private final AtomicInteger authorizerInvocations = new AtomicInteger();
  private final AtomicInteger requests = new AtomicInteger();
  private volatile Duration cacheTtl;
  private HttpServer server;
  private ExecutorService executor;

  private record CachedAuthorization(JsonNode result, long expiresAtNanos) {
  }

  /**
   * @param api       the REST API to play
   * @param functions invokers by function logical id (the authorizer's and every route's)
   */
  public LocalApiGateway(RestApiDefinition api, Map<String, FunctionInvoker> functions, Options options) {
    this.api = api;
    this.functions = Map.copyOf(functions);
    this.options = options;
    this.apiId = randomApiId();
    this.events = new ProxyEvents(api.stageName(), apiId);
    this.cacheTtl = options.cacheTtlOverride().orElse(
        Duration.ofSeconds(api.authorizer().map(RestApiDefinition.Authorizer::cacheTtlSeconds).orElse(0)));
    api.authorizer().ifPresent(a -> require(a.functionLogicalId()));
    api.routes().forEach(r -> require(r.functionLogicalId()));
  }

  private void require(String logicalId) {
    if (!functions.containsKey(logicalId)) {
      throw new IllegalArgumentException("no invoker for function " + logicalId);
    }
  }

  private static String randomApiId() {
    String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    SecureRandom random = new SecureRandom();
    StringBuilder id = new StringBuilder();
    for (int i = 0; i < 10; i++) {
      id.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return id.toString();
  }

  /** Starts listening on loopback. */
  public synchronized LocalApiGateway start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), options.port()), 64);
    executor = Executors.newFixedThreadPool(16, r -> {
      Thread t = new Thread(r, "local-api-gateway");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
    return this;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** The invoke URL of the stage, like the template's {@code ApiUrl} output. */
  public String stageUrl() {
    return "http://127.0.0.1:" + port() + "/" + api.stageName();
  }

  public String apiId() {
    return apiId;
  }

  public RestApiDefinition api() {
    return api;
  }

  /** How many times the authorizer function was invoked (cache hits and 401s without identity don't count). */
  public int authorizerInvocations() {
    return authorizerInvocations.get();
  }

  /** How many requests reached the gateway at all. */
  public int requests() {
    return requests.get();
  }

  /** Changes the authorizer result cache TTL (a stage setting); clears the cache. */
  public void authorizerCacheTtl(Duration ttl) {
    this.cacheTtl = ttl;
    cache.clear();
  }

  /** The ARN API Gateway passes as {@code methodArn} for a request. */
  public String methodArn(String method, String path) {
    return events.methodArn(method, path);
  }

  @Override
  public synchronized void close() {
    if (server != null) {
      server.stop(0);
      executor.shutdownNow();
      server = null;
    }
  }

  // ------------------------------------------------------------------ request handling

  private record Response(int status, Map<String, List<String>> headers, byte[] body, String authorizerStatus) {
    static Response json(int status, String json, String authorizerStatus) {
      Map<String, List<String>> headers = new LinkedHashMap<>();
      headers.put("Content-Type", List.of("application/json"));
      return new Response(status, headers, json.getBytes(StandardCharsets.UTF_8), authorizerStatus);
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    requests.incrementAndGet();
    long started = System.nanoTime();
    String requestId = UUID.randomUUID().toString();
    Response response;
    try {
      response = route(exchange, requestId);
    } catch (RuntimeException e) {
      response = Response.json(500, "{\"message\": \"Internal server error\"}", "-");
    }
    Headers out = exchange.getResponseHeaders();
    response.headers().forEach((name, values) -> values.forEach(v -> out.add(name, v)));
    out.set("x-amzn-RequestId", requestId);
    out.set("x-amz-apigw-id", requestId.substring(0, 8) + "=");
    byte[] body = response.body();
    boolean head = "HEAD".equals(exchange.getRequestMethod());
    exchange.sendResponseHeaders(response.status(), head || body.length == 0 ? -1 : body.length);
    if (!head && body.length > 0) {
      exchange.getResponseBody().write(body);
    }
    exchange.close();
    options.accessLog().accept(String.format(Locale.ROOT, "%s %s %s %d authorizer=%s %dms", requestId,
        exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(), response.status(),
        response.authorizerStatus(), (System.nanoTime() - started) / 1_000_000));
  }

  private Response route(HttpExchange exchange, String requestId) throws IOException {
    String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
    String rawPath = exchange.getRequestURI().getRawPath();
    String stagePrefix = "/" + api.stageName();
    if (!(rawPath.equals(stagePrefix) || rawPath.startsWith(stagePrefix + "/"))) {
      return Response.json(403, "{\"message\":\"Forbidden\"}", "-");
    }
    String path = rawPath.substring(stagePrefix.length());
    if (path.isEmpty()) {
      path = "/";
    }
    byte[] body;
    try (InputStream in = exchange.getRequestBody()) {
      body = in.readNBytes(MAX_BODY + 1);
    }
    if (body.length > MAX_BODY) {
      return Response.json(413, "{\"message\":\"Request Too Long\"}", "-");
    }
    Optional<Map.Entry<RestApiDefinition.Route, Map<String, String>>> match = api.route(method, path);
    if (match.isEmpty()) {
      return Response.json(403, "{\"message\":\"Missing Authentication Token\"}", "-");
    }
    RestApiDefinition.Route route = match.get().getKey();
    GatewayRequest request = new GatewayRequest(requestId, method, path, rawPath, route, match.get().getValue(),
        ProxyEvents.headers(exchange.getRequestHeaders()), ProxyEvents.query(exchange.getRequestURI().getRawQuery()), body,
        exchange.getRemoteAddress().getAddress().getHostAddress(), Instant.now());

    ObjectNode authorizerContext = null;
    String authorizerStatus = "none";
    if (route.authorized() && api.authorizer().isPresent()) {
      Authorization authorization = authorize(api.authorizer().get(), request);
      if (authorization.denied() != null) {
        return authorization.denied();
      }
      authorizerContext = authorization.context();
      authorizerStatus = authorization.status() + correlation(authorizerContext);
    }
    return integrate(request, authorizerContext, authorizerStatus);
  }

  /**
   * {@code " jti=<id>"} when the authorizer's context names the edge request id (the assertion's
   * {@code jti}), so the access log joins the edge's and the authorizer's lines (the local page's
   * timeline); empty otherwise, and for values outside a plain id alphabet.
   */
  private static String correlation(ObjectNode authorizerContext) {
    JsonNode jti = authorizerContext == null ? null : authorizerContext.get("jti");
    if (jti == null || !jti.isTextual() || !jti.asText().matches("[A-Za-z0-9._:-]{1,128}")) {
      return "";
    }
    return " jti=" + jti.asText();
  }

  private record Authorization(Response denied, ObjectNode context, String status) {
  }

  private Authorization authorize(RestApiDefinition.Authorizer authorizer, GatewayRequest request) {
    List<String> identity = new ArrayList<>();
    for (String header : authorizer.identityHeaders()) {
      Optional<String> value = request.header(header);
      if (value.isEmpty() || value.get().isBlank()) {
        return new Authorization(Response.json(401, "{\"message\":\"Unauthorized\"}", "missing-identity"), null,
            null);
      }
      identity.add("h:" + header.toLowerCase(Locale.ROOT) + "=" + value.get());
    }
    for (String name : authorizer.identityQueryStrings()) {
      List<String> values = request.query().get(name);
      if (values == null || values.isEmpty() || values.get(values.size() - 1).isBlank()) {
        return new Authorization(Response.json(401, "{\"message\":\"Unauthorized\"}", "missing-identity"), null,
            null);
      }
      identity.add("q:" + name + "=" + values.get(values.size() - 1));
    }
    for (String context : authorizer.identityContext()) {
      identity.add("c:" + context + "=" + switch (context) {
        case "httpMethod" -> request.method();
        case "path" -> request.path();
        case "resourcePath" -> request.route().resourcePath();
        case "stage" -> api.stageName();
        default -> "";
      });
    }
    String cacheKey = String.join("\u0000", identity);
    String methodArn = methodArn(request.method(), request.path());
    Duration ttl = cacheTtl;
    JsonNode result = null;
    String status = "invoked";
    if (!ttl.isZero()) {
      CachedAuthorization cached = cache.get(cacheKey);
      if (cached != null && cached.expiresAtNanos() - System.nanoTime() > 0) {
        result = cached.result();
        status = "cached";
      }
    }
    if (result == null) {
      authorizerInvocations.incrementAndGet();
      FunctionInvoker.Invocation invocation = functions.get(authorizer.functionLogicalId())
          .invoke(Json.bytes(events.authorizerEvent(request, methodArn)));
      if (invocation.error()) {
        String message = errorMessage(invocation);
        return "Unauthorized".equals(message)
            ? new Authorization(Response.json(401, "{\"message\":\"Unauthorized\"}", "unauthorized"), null, null)
            : new Authorization(Response.json(500, "{\"message\":null}", "error"), null, null);
      }
      try {
        result = Json.MAPPER.readTree(invocation.payload());
      } catch (IOException e) {
        result = null;
      }
      if (result == null || !result.isObject()) {
        return new Authorization(Response.json(500, "{\"message\":null}", "malformed"), null, null);
      }
      if (!ttl.isZero()) {
        cache.put(cacheKey, new CachedAuthorization(result, System.nanoTime() + ttl.toNanos()));
      }
    }
    ObjectNode context;
    IamPolicy.Effect effect;
    try {
      JsonNode principal = result.get("principalId");
      if (principal == null || !principal.isValueNode() || principal.isNull()) {
        throw new IllegalArgumentException("principalId is missing");
      }
      effect = IamPolicy.evaluate(result.get("policyDocument"), methodArn);
      context = JsonNodeFactory.instance.objectNode();
      JsonNode ctx = result.get("context");
      if (ctx != null && !ctx.isNull()) {
        if (!ctx.isObject()) {
          throw new IllegalArgumentException("context is not an object");
        }
        for (Map.Entry<String, JsonNode> e : ctx.properties()) {
          if (!e.getValue().isValueNode()) {
            throw new IllegalArgumentException("context values must be strings, numbers or booleans");
          }
          context.set(e.getKey(), e.getValue());
        }
      }
      context.put("principalId", principal.asText());
    } catch (IllegalArgumentException e) {
      return new Authorization(Response.json(500, "{\"message\":null}", "malformed"), null, null);
    }
    return switch (effect) {
      case ALLOW -> new Authorization(null, context, status + "/allow");
      case EXPLICIT_DENY -> new Authorization(Response.json(403,
          "{\"Message\":\"User is not authorized to access this resource with an explicit deny\"}",
          status + "/deny"), null, null);
      case IMPLICIT_DENY -> new Authorization(Response.json(403,
          "{\"Message\":\"User is not authorized to access this resource\"}", status + "/implicit-deny"), null, null);
    };
  }

  private static String errorMessage(FunctionInvoker.Invocation invocation) {
    try {
      JsonNode error = Json.MAPPER.readTree(invocation.payload());
      JsonNode message = error == null ? null : error.get("errorMessage");
      return message != null && message.isTextual() ? message.asText() : null;
    } catch (IOException e) {
      return null;
    }
  }

  private Response integrate(GatewayRequest request, ObjectNode authorizerContext, String authorizerStatus) {
    ObjectNode event = events.integrationEvent(request, authorizerContext,
        api.isBinary(request.header("Content-Type").orElse(null)));

    FunctionInvoker.Invocation invocation = functions.get(request.route().functionLogicalId())
        .invoke(Json.bytes(event));
    Response badGateway = Response.json(502, "{\"message\": \"Internal server error\"}", authorizerStatus);
    if (invocation.error()) {
      return badGateway;
    }
    JsonNode result;
    try {
      result = Json.MAPPER.readTree(invocation.payload());
    } catch (IOException e) {
      return badGateway;
    }
    if (result == null || !result.isObject() || !result.path("statusCode").canConvertToInt()
        || result.path("statusCode").asInt() < 100 || result.path("statusCode").asInt() > 599) {
      return badGateway;
    }
    Map<String, List<String>> headers = new LinkedHashMap<>();
    JsonNode h = result.get("headers");
    if (h != null && h.isObject()) {
      h.properties().forEach(e -> headers.put(e.getKey(), new ArrayList<>(List.of(e.getValue().asText()))));
    }
    JsonNode mh = result.get("multiValueHeaders");
    if (mh != null && mh.isObject()) {
      mh.properties().forEach(e -> {
        List<String> values = headers.computeIfAbsent(e.getKey(), k -> new ArrayList<>());
        e.getValue().forEach(v -> values.add(v.asText()));
      });
    }
    if (headers.keySet().stream().noneMatch(k -> k.equalsIgnoreCase("Content-Type"))) {
      headers.put("Content-Type", List.of("application/json"));
    }
    JsonNode bodyNode = result.get("body");
    byte[] body = bodyNode == null || bodyNode.isNull() ? new byte[0]
        : bodyNode.asText().getBytes(StandardCharsets.UTF_8);
    if (result.path("isBase64Encoded").asBoolean(false) && api.isBinary(request.header("Accept").orElse(null))) {
      try {
        body = Base64.getDecoder().decode(bodyNode.asText());
      } catch (IllegalArgumentException e) {
        return badGateway;
      }
    }
    return new Response(result.get("statusCode").asInt(), headers, body, authorizerStatus);
  }

}
