package dev.edgeperimeter.authorizer;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.edgeperimeter.authorizer.event.EventType;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * REST API {@code REQUEST} authorizer: reads {@code X-Edge-Assertion} and {@code Authorization}
 * from the headers, the method from {@code httpMethod}, the path from {@code path}. Answers an IAM
 * policy listing every route the identity's scopes grant, or throws
 * {@code RuntimeException("Unauthorized")} (401).
 */
public final class RestRequestAuthorizerHandler implements RequestStreamHandler {
  private final AuthorizerRuntime runtime;

  public RestRequestAuthorizerHandler() {
    this(AuthorizerRuntime.shared());
  }

  public RestRequestAuthorizerHandler(AuthorizerRuntime runtime) {
    this.runtime = runtime;
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    runtime.handle(EventType.REST_REQUEST, input, output, context);
  }
}
