package dev.edgeperimeter.authorizer;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.edgeperimeter.authorizer.event.EventType;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * What the three authorizer handlers share: the container's {@link AuthorizerRuntime} and the one
 * event shape each reads. A handler is this plus its {@link EventType} (and, for TOKEN, a check of
 * the mode it can serve).
 */
public abstract class AuthorizerStreamHandler implements RequestStreamHandler {
  private final AuthorizerRuntime runtime;
  private final EventType type;

  protected AuthorizerStreamHandler(AuthorizerRuntime runtime, EventType type) {
    this.runtime = runtime;
    this.type = type;
  }

  @Override
  public final void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    runtime.handle(type, input, output, context);
  }
}
