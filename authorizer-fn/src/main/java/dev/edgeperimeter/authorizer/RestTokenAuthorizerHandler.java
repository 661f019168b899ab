package dev.edgeperimeter.authorizer;

import dev.edgeperimeter.authorizer.core.AuthorizerConfig.AuthMode;
import dev.edgeperimeter.authorizer.event.EventType;
import dev.edgeperimeter.shared.config.ConfigException;

/**
 * REST API {@code TOKEN} authorizer: the identity source is the {@code X-Edge-Assertion} header,
 * the method and path come from {@code methodArn}. A TOKEN authorizer never sees the user's bearer
 * token, so it serves {@code AUTH_MODE=edge} only and refuses {@code edge+jwt} at start-up.
 * Answers an IAM policy, or throws {@code RuntimeException("Unauthorized")} (401).
 */
public final class RestTokenAuthorizerHandler extends AuthorizerStreamHandler {
  public RestTokenAuthorizerHandler() {
    this(AuthorizerRuntime.shared());
  }

  public RestTokenAuthorizerHandler(AuthorizerRuntime runtime) {
    super(requireEdgeMode(runtime), EventType.REST_TOKEN);
  }

  private static AuthorizerRuntime requireEdgeMode(AuthorizerRuntime runtime) {
    if (runtime.config().mode() != AuthMode.EDGE) {
      throw new ConfigException("AUTH_MODE", "must be 'edge' for the REST TOKEN authorizer (a TOKEN authorizer "
          + "receives only X-Edge-Assertion, never the user's bearer token), got '" + runtime.config().mode().value() + "'");
    }
    return runtime;
  }
}
