package dev.edgeperimeter.authorizer;

import dev.edgeperimeter.authorizer.event.EventType;
import dev.edgeperimeter.authorizer.pipeline.AuthorizerPipeline;
import dev.edgeperimeter.authorizer.wiring.Authorizer;

/**
 * HTTP API (payload format 2.0) authorizer: answers a simple response
 * ({@code {"isAuthorized":…,"context":…}}) by default, or an IAM policy with
 * {@code HTTP_API_RESPONSE=iam}.
 */
public final class HttpApiAuthorizerHandler extends AuthorizerStreamHandler {
  public HttpApiAuthorizerHandler() {
    this(Authorizer.shared().pipeline());
  }

  public HttpApiAuthorizerHandler(AuthorizerPipeline pipeline) {
    super(pipeline, EventType.HTTP_API);
  }
}
