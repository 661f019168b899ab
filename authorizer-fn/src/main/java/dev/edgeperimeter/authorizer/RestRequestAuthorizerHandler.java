package dev.edgeperimeter.authorizer;

import dev.edgeperimeter.authorizer.event.EventType;
import dev.edgeperimeter.authorizer.pipeline.AuthorizerPipeline;
import dev.edgeperimeter.authorizer.wiring.Authorizer;

/**
 * REST API {@code REQUEST} authorizer (the template's handler): reads {@code X-Edge-Assertion} and
 * {@code Authorization} from the event's headers; answers an IAM policy, or throws
 * {@code RuntimeException("Unauthorized")} (401).
 */
public final class RestRequestAuthorizerHandler extends AuthorizerStreamHandler {
  public RestRequestAuthorizerHandler() {
    this(Authorizer.shared().pipeline());
  }

  public RestRequestAuthorizerHandler(AuthorizerPipeline pipeline) {
    super(pipeline, EventType.REST_REQUEST);
  }
}
