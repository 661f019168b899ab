package dev.edgeperimeter.testsupport.proxy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * One HTTP request as the {@link SerializingProxy} received it: method, request target, headers in
 * the order sent, and the (de-chunked) body. Immutable. The static factories build the predicates
 * that fault rules match on.
 */
public final class ProxiedRequest {
  /** The header AWS JSON protocols (DynamoDB, KMS, CloudWatch Logs, ...) name the operation in. */
  public static final String AMZ_TARGET = "X-Amz-Target";

  private final long sequence;
  private final String method;
  private final String target;
  private final List<HttpMessages.Header> headers;
  private final byte[] body;

  ProxiedRequest(long sequence, String method, String target, List<HttpMessages.Header> headers, byte[] body) {
    this.sequence = sequence;
    this.method = method;
    this.target = target;
    this.headers = List.copyOf(headers);
    this.body = body.clone();
  }

  /** 1 for the first request the proxy received, 2 for the second, ... (all connections). */
  public long sequence() {
    return sequence;
  }

  public String method() {
    return method;
  }

  /** The request target as sent, e.g. {@code /} or {@code /path?query}. */
  public String target() {
    return target;
  }

  /** The first value of header {@code name} (case-insensitive). */
  public Optional<String> header(String name) {
    return headers.stream().filter(h -> h.name().equalsIgnoreCase(name)).map(HttpMessages.Header::value).findFirst();
  }

  /** The AWS operation, e.g. {@code DynamoDB_20120810.PutItem}, when the request names one. */
  public Optional<String> amzTarget() {
    return header(AMZ_TARGET);
  }

  public byte[] body() {
    return body.clone();
  }

  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }

  List<HttpMessages.Header> headers() {
    return headers;
  }

  byte[] rawBody() {
    return body;
  }

  /**
   * Requests for the AWS operation {@code operation}: either the full {@code X-Amz-Target}
   * ({@code DynamoDB_20120810.PutItem}) or only the operation name ({@code PutItem}).
   */
  public static Predicate<ProxiedRequest> operation(String operation) {
    return r -> r.amzTarget().map(t -> t.equals(operation) || t.endsWith("." + operation)).orElse(false);
  }

  /** Requests whose body contains {@code text} (e.g. a table name or a key value). */
  public static Predicate<ProxiedRequest> bodyContains(String text) {
    return r -> r.bodyText().contains(text);
  }

  /** Every request. */
  public static Predicate<ProxiedRequest> any() {
    return r -> true;
  }

  @Override
  public String toString() {
    return "#" + sequence + " " + method + " " + target + amzTarget().map(t -> " (" + t + ")").orElse("");
  }
}
