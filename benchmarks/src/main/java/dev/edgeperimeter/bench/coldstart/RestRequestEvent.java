package dev.edgeperimeter.bench.coldstart;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * An API Gateway REST API {@code REQUEST} authorizer event of the real shape, for
 * {@code GET /orders/42} with the given {@code X-Edge-Assertion} and, when given, bearer token (both
 * signed fresh for every cold-start run, so the event is generated rather than kept in
 * {@code events/}). Also the input of the edge-mode JMH benchmark (event bytes to policy).
 */
public final class RestRequestEvent {
  private static final DateTimeFormatter REQUEST_TIME =
      DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT).withZone(ZoneOffset.UTC);

  private RestRequestEvent() {
  }

  /**
   * The event as JSON text.
   *
   * @param token the bearer token of the {@code Authorization} header; {@code null} for a request
   *              without one (edge mode)
   */
  public static String json(String assertion, String token, long nowEpochSeconds) {
    String requestTime = REQUEST_TIME.format(Instant.ofEpochSecond(nowEpochSeconds));
    String json = """
        {
          "type": "REQUEST",
          "methodArn": "arn:aws:execute-api:us-east-1:123456789012:abcdef1234/prod/GET/orders/42",
          "resource": "/orders/{id}",
          "path": "/orders/42",
          "httpMethod": "GET",
          "headers": {
            "Accept": "application/json",
            "Authorization": "Bearer %2$s",
            "Host": "abcdef1234.execute-api.us-east-1.amazonaws.com",
            "User-Agent": "Akamai-EdgeWorker/1.0",
            "X-Amzn-Trace-Id": "Root=1-5e66d96f-7491f09xmpl79d18acf3d050",
            "X-Edge-Assertion": "%1$s",
            "X-Forwarded-For": "203.0.113.7",
            "X-Forwarded-Port": "443",
            "X-Forwarded-Proto": "https"
          },
          "multiValueHeaders": {
            "Accept": ["application/json"],
            "Authorization": ["Bearer %2$s"],
            "Host": ["abcdef1234.execute-api.us-east-1.amazonaws.com"],
            "User-Agent": ["Akamai-EdgeWorker/1.0"],
            "X-Amzn-Trace-Id": ["Root=1-5e66d96f-7491f09xmpl79d18acf3d050"],
            "X-Edge-Assertion": ["%1$s"],
            "X-Forwarded-For": ["203.0.113.7"],
            "X-Forwarded-Port": ["443"],
            "X-Forwarded-Proto": ["https"]
          },
          "queryStringParameters": {},
          "multiValueQueryStringParameters": {},
          "pathParameters": {"id": "42"},
          "stageVariables": {},
          "requestContext": {
            "resourceId": "a1b2c3",
            "resourcePath": "/orders/{id}",
            "httpMethod": "GET",
            "extendedRequestId": "JJbxmHc-IAMFxmA=",
            "requestTime": "%3$s",
            "path": "/prod/orders/42",
            "accountId": "123456789012",
            "protocol": "HTTP/1.1",
            "stage": "prod",
            "domainPrefix": "abcdef1234",
            "requestTimeEpoch": %4$d,
            "requestId": "bench-%4$d",
            "identity": {"sourceIp": "203.0.113.7", "userAgent": "Akamai-EdgeWorker/1.0"},
            "domainName": "abcdef1234.execute-api.us-east-1.amazonaws.com",
            "apiId": "abcdef1234"
          }
        }
        """.formatted(assertion, token, requestTime, nowEpochSeconds * 1000);
    if (token == null) {
      json = json.replace("    \"Authorization\": \"Bearer null\",\n", "")
          .replace("    \"Authorization\": [\"Bearer null\"],\n", "");
    }
    return json;
  }
}
