package dev.edgeperimeter.authorizer;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.edgeperimeter.authorizer.event.EventType;
import dev.edgeperimeter.authorizer.pipeline.AuthorizerPipeline;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

/**
 * What the three authorizer handlers share: the Lambda context for Powertools' log keys
 * (function name, request id, cold start), and the container's {@link AuthorizerPipeline} for the
 * one event shape each reads.
 */
public abstract class AuthorizerStreamHandler implements RequestStreamHandler {
  private final AuthorizerPipeline pipeline;
  private final EventType type;

  protected AuthorizerStreamHandler(AuthorizerPipeline pipeline, EventType type) {
    this.pipeline = pipeline;
    this.type = type;
  }

  @Override
  public final void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    if (context != null) {
      PowertoolsLogging.initializeLogging(context);
    }
    try {
      pipeline.handle(type, input, output);
    } finally {
      PowertoolsLogging.clearState(true);
    }
  }
}
