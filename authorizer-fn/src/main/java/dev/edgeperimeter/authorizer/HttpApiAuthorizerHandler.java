package dev.edgeperimeter.authorizer;

import dev.edgeperimeter.authorizer.event.EventType;

/**
 * HTTP API {@code REQUEST} authorizer, payload format 2.0. The path is {@code rawPath} without a
 * leading {@code /<stage>} (unless the stage is {@code $default}). With {@code HTTP_API_RESPONSE=simple}
 * (the default) answers {@code {"isAuthorized": ..., "context": ...}}; with {@code iam} an IAM policy,
 * or {@code RuntimeException("Unauthorized")} (401).
 */
public final class HttpApiAuthorizerHandler extends AuthorizerStreamHandler {
  public HttpApiAuthorizerHandler() {
    this(AuthorizerRuntime.shared());
  }

  public HttpApiAuthorizerHandler(AuthorizerRuntime runtime) {
    super(runtime, EventType.HTTP_API);
  }
}
