package dev.edgeperimeter.authorizer;

import dev.edgeperimeter.authorizer.core.AuthorizerConfig.AuthMode;
import dev.edgeperimeter.authorizer.event.EventType;
import dev.edgeperimeter.authorizer.pipeline.AuthorizerPipeline;
import dev.edgeperimeter.authorizer.wiring.Authorizer;
import dev.edgeperimeter.shared.config.ConfigException;

/**
 * REST API {@code TOKEN} authorizer: the identity source is the {@code X-Edge-Assertion} header,
 * the method and path come from {@code methodArn}. A TOKEN authorizer never sees the user's bearer
 * token, so it serves {@code AUTH_MODE=edge} only and refuses {@code edge+jwt} at start-up.
 * Answers an IAM policy, or throws {@code RuntimeException("Unauthorized")} (401).
 */
public final class RestTokenAuthorizerHandler extends AuthorizerStreamHandler {
  public RestTokenAuthorizerHandler() {
    this(Authorizer.shared().pipeline());
  }

  public RestTokenAuthorizerHandler(AuthorizerPipeline pipeline) {
    super(requireEdgeMode(pipeline), EventType.REST_TOKEN);
  }

  private static AuthorizerPipeline requireEdgeMode(AuthorizerPipeline pipeline) {
    AuthMode mode = pipeline.core().mode();
    if (mode != AuthMode.EDGE) {
      throw new ConfigException("AUTH_MODE", "must be 'edge' for the REST TOKEN authorizer (a TOKEN authorizer "
          + "receives only X-Edge-Assertion, never the user's bearer token), got '" + mode.value() + "'");
    }
    return pipeline;
  }
}
