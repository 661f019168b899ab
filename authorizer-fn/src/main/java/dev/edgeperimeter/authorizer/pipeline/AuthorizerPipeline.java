package dev.edgeperimeter.authorizer.pipeline;

import dev.edgeperimeter.authorizer.core.AuthRequest;
import dev.edgeperimeter.authorizer.core.AuthorizerConfig.HttpApiResponse;
import dev.edgeperimeter.authorizer.core.AuthorizerCore;
import dev.edgeperimeter.authorizer.core.Decision;
import dev.edgeperimeter.authorizer.core.Reason;
import dev.edgeperimeter.authorizer.core.Rejection;
import dev.edgeperimeter.authorizer.event.EventParser;
import dev.edgeperimeter.authorizer.event.EventType;
import dev.edgeperimeter.authorizer.event.ResponseWriter;
import dev.edgeperimeter.authorizer.telemetry.DecisionTelemetry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.slf4j.MDC;

/**
 * One invocation, free of Lambda types: read the event of a given shape, decide
 * ({@link AuthorizerCore}), log and count the decision ({@link DecisionTelemetry}), answer in API
 * Gateway's terms. The handlers are this plus the Lambda context for the log keys.
 *
 * <p>Nothing a client sends escapes as an unplanned failure: every event either yields a policy (or
 * a simple response), or the planned {@code RuntimeException("Unauthorized")} that API Gateway maps
 * to 401; a defect answers Unauthorized too, with reason {@code internal_error}.
 */
public final class AuthorizerPipeline {
  /** The log key API Gateway's request id goes under (Powertools' correlation id). */
  public static final String CORRELATION_ID = "correlation_id";

  private final AuthorizerCore core;
  private final DecisionTelemetry telemetry;
  private final HttpApiResponse httpApiResponse;

  public AuthorizerPipeline(AuthorizerCore core, DecisionTelemetry telemetry, HttpApiResponse httpApiResponse) {
    this.core = core;
    this.telemetry = telemetry;
    this.httpApiResponse = httpApiResponse;
  }

  public AuthorizerCore core() {
    return core;
  }

  public DecisionTelemetry telemetry() {
    return telemetry;
  }

  /**
   * Handles one event of {@code type}.
   *
   * @throws RuntimeException with the message {@code Unauthorized} (API Gateway's 401)
   * @throws IOException      only when {@code output} fails
   */
  public void handle(EventType type, InputStream input, OutputStream output) throws IOException {
    try {
      decideAndAnswer(type, input, output);
    } finally {
      MDC.remove(CORRELATION_ID); // the request's id is not the next one's
    }
  }

  private void decideAndAnswer(EventType type, InputStream input, OutputStream output) throws IOException {
    long start = System.nanoTime();
    boolean policyResponse = type != EventType.HTTP_API || httpApiResponse == HttpApiResponse.IAM;
    Decision decision;
    try {
      byte[] event = readEvent(input, EventParser.MAX_EVENT_BYTES);
      AuthRequest request = EventParser.parse(type, event, policyResponse);
      if (request.requestId() != null) {
        MDC.put(CORRELATION_ID, request.requestId());
      }
      decision = core.decide(request);
    } catch (Rejection r) {
      decision = Decision.unauthorized(r.reason());
    } catch (IOException | RuntimeException | StackOverflowError | LinkageError e) {
      decision = Decision.unauthorized(Reason.INTERNAL_ERROR);
      quietly(() -> telemetry.failure("authorizer failed on an event", e));
    }
    Decision decided = decision;
    long micros = (System.nanoTime() - start) / 1000;
    quietly(() -> telemetry.decision(type.name(), decided, micros));
    if (decision.outcome() == Decision.Outcome.UNAUTHORIZED && policyResponse) {
      throw unauthorized();
    }
    if (policyResponse) {
      ResponseWriter.policy(decision, output);
    } else {
      ResponseWriter.simple(decision, output);
    }
  }

  /**
   * The event's bytes, at most {@code max + 1} (one more than allowed tells the parser the event is
   * too large). A stream that knows its size (the runtime hands over a {@code ByteArrayInputStream})
   * is read in one copy, without the 16 KiB scratch buffer of {@code readNBytes(int)}.
   */
  static byte[] readEvent(InputStream input, int max) throws IOException {
    int size = input.available();
    if (size <= 0 || size > max) {
      return input.readNBytes(max + 1);
    }
    byte[] event = new byte[size];
    int n = input.readNBytes(event, 0, size);
    int next = n == size ? input.read() : -1;
    if (n == size && next < 0) {
      return event;
    }
    // the stream did not hold what available() said: go on from what was read
    ByteArrayOutputStream all = new ByteArrayOutputStream(max + 1);
    all.write(event, 0, n);
    if (next >= 0) {
      all.write(next);
    }
    all.write(input.readNBytes(max + 1 - all.size()));
    return all.toByteArray();
  }

  /** API Gateway's 401: a Lambda error whose message is exactly {@code Unauthorized}. */
  public static RuntimeException unauthorized() {
    return new RuntimeException("Unauthorized");
  }

  /** Telemetry must never change an answer. */
  private static void quietly(Runnable telemetry) {
    try {
      telemetry.run();
    } catch (RuntimeException | LinkageError ignored) {
      // the decision stands
    }
  }
}
