package dev.edgeperimeter.authorizer;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.edgeperimeter.authorizer.event.EventType;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * HTTP API {@code REQUEST} authorizer, payload format 2.0. The path is {@code rawPath} without a
 * leading {@code /<stage>} (unless the stage is {@code $default}). With {@code HTTP_API_RESPONSE=simple}
 * (the default) answers {@code {"isAuthorized": ..., "context": ...}}; with {@code iam} an IAM policy,
 * or {@code RuntimeException("Unauthorized")} (401).
 */
public final class HttpApiAuthorizerHandler implements RequestStreamHandler {
  private final AuthorizerRuntime runtime;

  public HttpApiAuthorizerHandler() {
    this(AuthorizerRuntime.shared());
  }

  public HttpApiAuthorizerHandler(AuthorizerRuntime runtime) {
    this.runtime = runtime;
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    runtime.handle(EventType.HTTP_API, input, output, context);
  }
}
