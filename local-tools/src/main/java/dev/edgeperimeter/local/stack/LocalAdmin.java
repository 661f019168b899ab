package dev.edgeperimeter.local.stack;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * The local stack's admin endpoints under {@code /_local}: a demo user's tokens, a forced rotation,
 * a revocation, the key set, the edge's stored logs and the stack's description. A wrong method
 * is answered 405 naming the right one; a revoke without {@code kid} 400.
 */
final class LocalAdmin implements HttpHandler {
  private final LocalStack stack;

  LocalAdmin(LocalStack stack) {
    this.stack = stack;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    String method = exchange.getRequestMethod();
    int status = 200;
    String body;
    try {
      switch (method + " " + path) {
        case "GET /_local/token" -> {
          var tokens = stack.userPool().signIn();
          ObjectNode o = JsonNodeFactory.instance.objectNode();
          o.put("access_token", tokens.accessToken());
          o.put("id_token", tokens.idToken());
          o.put("token_type", "Bearer");
          o.put("expires_in", tokens.expiresIn());
          body = Json.text(o);
        }
        case "POST /_local/rotate" -> body = invocationJson(stack.rotate());
        case "POST /_local/revoke" -> {
          String kid = queryParameter(exchange, "kid");
          if (kid.isEmpty()) {
            status = 400;
            body = "{\"error\":\"missing kid: POST /_local/revoke?kid=<kid> (GET /_local/keys lists them)\"}";
          } else {
            body = invocationJson(stack.revoke(kid));
          }
        }
        case "GET /_local/keys" -> body = invocationJson(stack.invoke("KeyRotationFunction", "{\"action\":\"status\"}"));
        case "GET /_local/logs" -> {
          ArrayNode list = JsonNodeFactory.instance.arrayNode();
          for (String m : stack.edgeLogMessages()) {
            try {
              list.add(Json.MAPPER.readTree(m));
            } catch (IOException notJson) {
              list.add(m);
            }
          }
          body = Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(list);
        }
        case "GET /_local", "GET /_local/" -> body = stack.describe();
        default -> {
          String allowed = ADMIN_METHODS.get(path.endsWith("/") && path.length() > 7 ? path.substring(0, path.length() - 1) : path);
          if (allowed != null) {
            status = 405;
            exchange.getResponseHeaders().set("Allow", allowed);
            body = "{\"error\":\"method " + method + " not allowed: use " + allowed + " " + path + "\"}";
            break;
          }
          status = 404;
          body = "{\"error\":\"unknown admin endpoint\",\"endpoints\":[\"GET /_local/token\",\"POST /_local/rotate\","
              + "\"POST /_local/revoke?kid=...\",\"GET /_local/keys\",\"GET /_local/logs\",\"GET /_local/page\"]}";
        }
      }
    } catch (RuntimeException e) {
      status = 500;
      body = "{\"error\":" + Json.quote(String.valueOf(e.getMessage())) + "}";
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", body.startsWith("{") || body.startsWith("[")
        ? "application/json" : "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  /** The method each admin endpoint answers. */
  private static final Map<String, String> ADMIN_METHODS = Map.of(
      "/_local", "GET", "/_local/token", "GET", "/_local/rotate", "POST", "/_local/revoke", "POST",
      "/_local/keys", "GET", "/_local/logs", "GET");

  private static String queryParameter(HttpExchange exchange, String name) {
    String query = Optional.ofNullable(exchange.getRequestURI().getQuery()).orElse("");
    for (String pair : query.split("&")) {
      if (pair.startsWith(name + "=")) {
        return pair.substring(name.length() + 1);
      }
    }
    return "";
  }

  private static String invocationJson(FunctionInvoker.Invocation invocation) {
    return invocation.error() ? "{\"functionError\":" + invocation.text() + "}" : invocation.text();
  }
}
