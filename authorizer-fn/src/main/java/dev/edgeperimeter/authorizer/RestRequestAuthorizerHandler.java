package dev.edgeperimeter.authorizer;

import dev.edgeperimeter.authorizer.event.EventType;

/**
 * REST API {@code REQUEST} authorizer: reads {@code X-Edge-Assertion} and {@code Authorization}
 * from the headers, the method from {@code httpMethod}, the path from {@code path}. Answers an IAM
 * policy listing every route the identity's scopes grant, or throws
 * {@code RuntimeException("Unauthorized")} (401).
 */
public final class RestRequestAuthorizerHandler extends AuthorizerStreamHandler {
  public RestRequestAuthorizerHandler() {
    this(AuthorizerRuntime.shared());
  }

  public RestRequestAuthorizerHandler(AuthorizerRuntime runtime) {
    super(runtime, EventType.REST_REQUEST);
  }
}
