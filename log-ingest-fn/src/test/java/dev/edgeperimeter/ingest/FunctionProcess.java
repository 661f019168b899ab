package dev.edgeperimeter.ingest;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The function in a JVM of its own, as Lambda runs it: {@link LogIngestHandler}'s no-argument
 * constructor (configuration from the environment, production wiring), one invocation with the
 * body read from the file named by the first argument. The last line of standard output is
 * {@code RESPONSE <status> <body>}. Tests start it with {@link #start} and may kill it mid-way.
 */
public final class FunctionProcess {
  static final String MARKER = "RESPONSE ";
  /** The function's timeout as Lambda would give it: the invocation's deadline and so its ledger lease. */
  static final long TIMEOUT_MILLIS = 4_000;
  /** API Gateway's id of the request ({@code requestContext.requestId}). */
  static final String API_REQUEST_ID = "api-gateway-request-16";

  public static void main(String[] args) throws IOException {
    byte[] body = Files.readAllBytes(Path.of(args[0]));
    APIGatewayProxyRequestEvent event = new APIGatewayProxyRequestEvent()
        .withHttpMethod("POST")
        .withPath("/edge/logs")
        .withHeaders(Map.of("Content-Type", "application/x-ndjson"))
        .withIsBase64Encoded(true)
        .withBody(Base64.getEncoder().encodeToString(body))
        .withRequestContext(new APIGatewayProxyRequestEvent.ProxyRequestContext().withRequestId(API_REQUEST_ID));
    APIGatewayProxyResponseEvent response = new LogIngestHandler().handleRequest(event, new InvocationContext(TIMEOUT_MILLIS));
    System.out.println(MARKER + response.getStatusCode() + " " + response.getBody());
    System.out.flush();
    System.exit(0);
  }

  /** Starts the function on {@code body} with {@code environment} added to this JVM's. */
  static Process start(Path body, Map<String, String> environment) throws IOException {
    String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
    List<String> command = new ArrayList<>(List.of(java, "-XX:TieredStopAtLevel=1", "-Xshare:auto",
        "-cp", System.getProperty("java.class.path"), FunctionProcess.class.getName(), body.toString()));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().putAll(environment);
    return pb.start();
  }

  /** Waits for the function's answer: the status and body of its {@code RESPONSE} line. */
  static String[] answer(Process process) throws IOException, InterruptedException {
    return answer(output(process));
  }

  /** Everything the function wrote to standard output (log lines, EMF documents, the answer), once it ended. */
  static String output(Process process) throws IOException, InterruptedException {
    String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    process.waitFor();
    return output;
  }

  /** The status and body of the {@code RESPONSE} line in {@code output}. */
  static String[] answer(String output) {
    for (String line : output.split("\n")) {
      if (line.startsWith(MARKER)) {
        return line.substring(MARKER.length()).split(" ", 2);
      }
    }
    throw new AssertionError("the function answered nothing; its output:\n" + output);
  }

  private FunctionProcess() {
  }

  /** The Lambda context of one invocation: a deadline {@code timeoutMillis} from now, a fresh request id. */
  static final class InvocationContext implements Context {
    private final long deadline;
    private final String requestId = UUID.randomUUID().toString();

    InvocationContext(long timeoutMillis) {
      this.deadline = System.currentTimeMillis() + timeoutMillis;
    }

    @Override
    public String getAwsRequestId() {
      return requestId;
    }

    @Override
    public String getLogGroupName() {
      return "/aws/lambda/log-ingest-test";
    }

    @Override
    public String getLogStreamName() {
      return "test";
    }

    @Override
    public String getFunctionName() {
      return "log-ingest-test";
    }

    @Override
    public String getFunctionVersion() {
      return "$LATEST";
    }

    @Override
    public String getInvokedFunctionArn() {
      return "arn:aws:lambda:us-east-1:123456789012:function:log-ingest-test";
    }

    @Override
    public CognitoIdentity getIdentity() {
      return null;
    }

    @Override
    public ClientContext getClientContext() {
      return null;
    }

    @Override
    public int getRemainingTimeInMillis() {
      return (int) Math.max(0, deadline - System.currentTimeMillis());
    }

    @Override
    public int getMemoryLimitInMB() {
      return 1024;
    }

    @Override
    public LambdaLogger getLogger() {
      return new LambdaLogger() {
        @Override
        public void log(String message) {
          System.out.print(message);
        }

        @Override
        public void log(byte[] message) {
          System.out.write(message, 0, message.length);
        }
      };
    }
  }
}
