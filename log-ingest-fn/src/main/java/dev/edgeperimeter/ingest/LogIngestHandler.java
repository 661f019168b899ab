package dev.edgeperimeter.ingest;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.edgeperimeter.ingest.body.RawBody;
import dev.edgeperimeter.shared.aws.AwsClients;
import dev.edgeperimeter.shared.aws.AwsSettings;
import dev.edgeperimeter.shared.config.Env;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.crac.Core;
import org.crac.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

/**
 * {@code POST /edge/logs} (API Gateway REST proxy integration): maps the proxy event to an
 * {@link IngestRequest}, runs {@link LogIngestService} and maps its answer back. Everything else
 * lives in the core.
 *
 * <p>Clients and configuration are built once per container. The CloudWatch Logs client has SDK
 * retries turned off: {@link CloudWatchLogStore} retries within the invocation's remaining time
 * instead. SnapStart: nothing random, no credentials and no connection is captured at init (the
 * URL-connection client connects lazily, credentials resolve per request); {@code beforeCheckpoint}
 * primes the parsing path with a built-in sample body, without any network call.
 */
public final class LogIngestHandler implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {
  private static final Logger LOG = LoggerFactory.getLogger(LogIngestHandler.class);
  /** The MDC key Powertools' JSON layout prints as {@code correlation_id}. */
  static final String CORRELATION_ID = "correlation_id";
  /** Time kept back from the Lambda deadline for answering. */
  private static final long RESPONSE_RESERVE_MILLIS = 500;

  private final LogIngestService service;
  private final int maxBodyBytes;

  /** Lambda entry: configuration from the environment, validated now (fails the cold start). */
  public LogIngestHandler() {
    this(productionService(), Production.CONFIG.maxBodyBytes());
  }

  LogIngestHandler(LogIngestService service, int maxBodyBytes) {
    this.service = service;
    this.maxBodyBytes = maxBodyBytes;
  }

  @Override
  public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event, Context context) {
    if (context != null) {
      // every log line of this invocation carries function name, request id, cold start, correlation id
      PowertoolsLogging.initializeLogging(context);
      MDC.put(CORRELATION_ID, correlationId(event, context));
    }
    try {
      return respond(event, context);
    } finally {
      if (context != null) {
        MDC.remove(CORRELATION_ID);
        PowertoolsLogging.clearState(true);
      }
    }
  }

  /**
   * The id that joins this invocation's lines to API Gateway's access log: the API Gateway request
   * id ({@code requestContext.requestId}, what Powertools' {@code API_GATEWAY_REST} path selects),
   * else the Lambda request id. Read directly: the event is not converted to JSON for it (the
   * body can be several MiB).
   */
  static String correlationId(APIGatewayProxyRequestEvent event, Context context) {
    if (event != null && event.getRequestContext() != null && event.getRequestContext().getRequestId() != null) {
      return event.getRequestContext().getRequestId();
    }
    return context.getAwsRequestId();
  }

  private APIGatewayProxyResponseEvent respond(APIGatewayProxyRequestEvent event, Context context) {
    try {
      IngestResponse response = handle(event, budget(context));
      return new APIGatewayProxyResponseEvent()
          .withStatusCode(response.status())
          .withHeaders(Map.of("Content-Type", "application/json"))
          .withBody(response.body());
    } catch (RuntimeException e) {
      LOG.error("unexpected failure while ingesting a log body", e);
      IngestResponse error = LogIngestService.error(500, "internal error");
      return new APIGatewayProxyResponseEvent().withStatusCode(500)
          .withHeaders(Map.of("Content-Type", "application/json")).withBody(error.body());
    }
  }

  private IngestResponse handle(APIGatewayProxyRequestEvent event, TimeBudget budget) {
    String body = event == null ? null : event.getBody();
    if (body == null || body.isEmpty()) {
      return LogIngestService.error(400, "body is empty");
    }
    byte[] raw;
    try {
      raw = RawBody.bytes(body, Boolean.TRUE.equals(event.getIsBase64Encoded()), maxBodyBytes);
    } catch (IngestException e) {
      return LogIngestService.error(e.status(), e.getMessage());
    }
    return service.ingest(new IngestRequest(raw, header(event, "Content-Type"), header(event, "Content-Encoding")), budget);
  }

  /** A header by case-insensitive name, from {@code headers} or {@code multiValueHeaders}. */
  static String header(APIGatewayProxyRequestEvent event, String name) {
    Map<String, String> headers = event.getHeaders();
    if (headers != null) {
      for (Map.Entry<String, String> h : headers.entrySet()) {
        if (h.getKey() != null && h.getKey().equalsIgnoreCase(name)) {
          return h.getValue();
        }
      }
    }
    Map<String, List<String>> multi = event.getMultiValueHeaders();
    if (multi != null) {
      for (Map.Entry<String, List<String>> h : multi.entrySet()) {
        if (h.getKey() != null && h.getKey().equalsIgnoreCase(name) && h.getValue() != null && !h.getValue().isEmpty()) {
          return h.getValue().get(0);
        }
      }
    }
    return null;
  }

  private static TimeBudget budget(Context context) {
    if (context == null) {
      return TimeBudget.unlimited();
    }
    return () -> context.getRemainingTimeInMillis() - RESPONSE_RESERVE_MILLIS;
  }

  /**
   * The production service; a failed start surfaces as its cause (a ConfigException naming the
   * variable), which the Lambda runtime reports as the init error, not as ExceptionInInitializerError.
   */
  private static LogIngestService productionService() {
    try {
      return Production.SERVICE;
    } catch (ExceptionInInitializerError e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw e;
    }
  }

  /** Built on first use of the no-argument constructor (the Lambda runtime's path), once per container. */
  private static final class Production {
    static final IngestConfig CONFIG = IngestConfig.from(Env.system());
    static final LogIngestService SERVICE = build();

    private static LogIngestService build() {
      AwsClients clients = new AwsClients(AwsSettings.fromEnvironment(Env.system()));
      CloudWatchLogsClient logs = clients.configure(CloudWatchLogsClient.builder())
          .httpClient(clients.httpClient())
          .overrideConfiguration(ClientOverrideConfiguration.builder()
              .apiCallTimeout(CallTimeout.MAX_CALL)
              .retryStrategy(AwsRetryStrategy.doNotRetry())
              .build())
          .build();
      Clock clock = Clock.systemUTC();
      LogIngestService service = new LogIngestService(CONFIG.maxBodyBytes(), clock,
          new CloudWatchLogStore(logs, CONFIG.logGroupName(), RetryPolicy.standard()),
          new DynamoDbIngestLedger(clients.dynamoDb(), CONFIG.ledgerTable(), CONFIG.ledgerTtl(), clock),
          EmfIngestMetrics.of(CONFIG.metricsNamespace(),
              Env.system().string("POWERTOOLS_SERVICE_NAME", EmfIngestMetrics.DEFAULT_SERVICE_NAME)));
      Core.getGlobalContext().register(PRIMING);
      return service;
    }

    /** Warms the parse/normalize/batch path before a SnapStart snapshot; touches no network. */
    private static final Resource PRIMING = new Resource() {
      @Override
      public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
        Priming.run();
      }

      @Override
      public void afterRestore(org.crac.Context<? extends Resource> context) {
        // nothing captured that must change after restore
      }
    };
  }
}
