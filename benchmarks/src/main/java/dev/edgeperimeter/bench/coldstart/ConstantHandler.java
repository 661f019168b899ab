package dev.edgeperimeter.bench.coldstart;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The cold-start floor: a handler of the same kind as the authorizer's ({@link RequestStreamHandler})
 * that reads the event and answers a constant, run through the same runtime client. Its cold start
 * is the JVM + runtime cost no function can go below.
 */
public final class ConstantHandler implements RequestStreamHandler {
  private static final byte[] RESPONSE = "{\"principalId\":\"constant\"}".getBytes(StandardCharsets.UTF_8);

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws java.io.IOException {
    input.readAllBytes();
    output.write(RESPONSE);
  }
}
