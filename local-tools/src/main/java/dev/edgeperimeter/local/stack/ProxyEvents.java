package dev.edgeperimeter.local.stack;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The events {@link LocalApiGateway} hands to functions, shaped as API Gateway shapes them: the
 * REST {@code REQUEST} authorizer event and the Lambda proxy integration event, with their shared
 * request members and {@code requestContext}; and how a request's headers and query string are read.
 */
final class ProxyEvents {
  private static final String ACCOUNT = "123456789012";
  private static final String REGION = "us-east-1";
  private static final DateTimeFormatter REQUEST_TIME = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z",
      Locale.ENGLISH).withZone(ZoneOffset.UTC);

  private final String stageName;
  private final String apiId;

  ProxyEvents(String stageName, String apiId) {
    this.stageName = stageName;
    this.apiId = apiId;
  }

  /** The ARN API Gateway passes as {@code methodArn} for a request. */
  String methodArn(String method, String path) {
    return "arn:aws:execute-api:" + REGION + ":" + ACCOUNT + ":" + apiId + "/" + stageName + "/" + method
        + "/" + (path.startsWith("/") ? path.substring(1) : path);
  }

  /** The REST {@code REQUEST} authorizer event. */
  ObjectNode authorizerEvent(GatewayRequest request, String methodArn) {
    ObjectNode event = JsonNodeFactory.instance.objectNode();
    event.put("type", "REQUEST");
    event.put("methodArn", methodArn);
    putRequest(event, request);
    event.set("requestContext", requestContext(request, null));
    return event;
  }

  private ObjectNode requestContext(GatewayRequest request, ObjectNode authorizer) {
    ObjectNode rc = JsonNodeFactory.instance.objectNode();
    rc.put("resourceId", Integer.toHexString(request.route().resourcePath().hashCode() & 0xffffff));
    rc.put("resourcePath", request.route().resourcePath());
    rc.put("httpMethod", request.method());
    rc.put("extendedRequestId", request.requestId().substring(0, 8) + "=");
    rc.put("requestTime", REQUEST_TIME.format(request.time()));
    rc.put("path", request.rawPath());
    rc.put("accountId", ACCOUNT);
    rc.put("protocol", "HTTP/1.1");
    rc.put("stage", stageName);
    rc.put("domainPrefix", apiId);
    rc.put("requestTimeEpoch", request.time().toEpochMilli());
    rc.put("requestId", request.requestId());
    ObjectNode identity = rc.putObject("identity");
    for (String field : List.of("cognitoIdentityPoolId", "accountId", "cognitoIdentityId", "caller", "apiKey",
        "principalOrgId", "accessKey", "cognitoAuthenticationType", "cognitoAuthenticationProvider", "userArn",
        "user")) {
      identity.putNull(field);
    }
    identity.put("sourceIp", request.sourceIp());
    request.header("User-Agent").ifPresentOrElse(ua -> identity.put("userAgent", ua), () -> identity.putNull("userAgent"));
    rc.put("domainName", apiId + ".execute-api." + REGION + ".amazonaws.com");
    rc.put("apiId", apiId);
    if (authorizer != null) {
      rc.set("authorizer", authorizer);
    }
    return rc;
  }

  /** The request members the REQUEST authorizer event and the proxy integration event share. */
  private static void putRequest(ObjectNode event, GatewayRequest request) {
    event.put("resource", request.route().resourcePath());
    event.put("path", request.path());
    event.put("httpMethod", request.method());
    putValues(event, "headers", "multiValueHeaders", request.headers());
    if (request.query().isEmpty()) {
      event.putNull("queryStringParameters");
      event.putNull("multiValueQueryStringParameters");
    } else {
      putValues(event, "queryStringParameters", "multiValueQueryStringParameters", request.query());
    }
    putPathParameters(event, request);
    event.putNull("stageVariables");
  }

  /** Puts {@code values} the API Gateway way: the last value of each name, and every value. */
  private static void putValues(ObjectNode event, String singleField, String multiField,
      Map<String, List<String>> values) {
    ObjectNode single = event.putObject(singleField);
    ObjectNode multi = event.putObject(multiField);
    values.forEach((name, all) -> {
      single.put(name, all.get(all.size() - 1));
      ArrayNode array = multi.putArray(name);
      all.forEach(array::add);
    });
  }

  private static void putPathParameters(ObjectNode event, GatewayRequest request) {
    if (request.pathParameters().isEmpty()) {
      event.putNull("pathParameters");
    } else {
      ObjectNode params = event.putObject("pathParameters");
      request.pathParameters().forEach(params::put);
    }
  }

  /** The Lambda proxy integration event ({@code APIGatewayProxyRequestEvent}). */
  ObjectNode integrationEvent(GatewayRequest request, ObjectNode authorizerContext, boolean binary) {
    ObjectNode event = JsonNodeFactory.instance.objectNode();
    putRequest(event, request);
    if (authorizerContext != null) {
      authorizerContext.put("integrationLatency", 0);
    }
    event.set("requestContext", requestContext(request, authorizerContext));
    if (request.body().length == 0) {
      event.putNull("body");
    } else if (binary) {
      event.put("body", Base64.getEncoder().encodeToString(request.body()));
    } else {
      event.put("body", new String(request.body(), StandardCharsets.UTF_8));
    }
    event.put("isBase64Encoded", binary && request.body().length > 0);
    return event;
  }

  /** Header names in canonical Train-Case ({@code x-edge-assertion} → {@code X-Edge-Assertion}). */
  private static String canonicalHeaderName(String name) {
    StringBuilder out = new StringBuilder(name.length());
    boolean upper = true;
    for (char c : name.toCharArray()) {
      out.append(upper ? Character.toUpperCase(c) : Character.toLowerCase(c));
      upper = c == '-';
    }
    return out.toString();
  }

  /** The request's headers under canonical names, every value kept. */
  static Map<String, List<String>> headers(Headers headers) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    headers.forEach((name, values) -> out.computeIfAbsent(canonicalHeaderName(name), k -> new ArrayList<>())
        .addAll(values));
    return out;
  }

  /** The query string's parameters, decoded, every value kept. */
  static Map<String, List<String>> query(String rawQuery) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return out;
    }
    for (String pair : rawQuery.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      out.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }
    return out;
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }
}
