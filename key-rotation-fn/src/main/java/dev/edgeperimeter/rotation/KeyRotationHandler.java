package dev.edgeperimeter.rotation;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.edgeperimeter.rotation.edge.EdgeKeyPublisher;
import dev.edgeperimeter.rotation.edge.EdgeKvPublisher;
import dev.edgeperimeter.rotation.edge.NoEdgeKeyPublisher;
import dev.edgeperimeter.rotation.edge.SecretsManagerPublishSecrets;
import dev.edgeperimeter.shared.aws.AwsClients;
import dev.edgeperimeter.shared.aws.AwsSettings;
import dev.edgeperimeter.shared.config.Env;
import dev.edgeperimeter.shared.keys.KeyMaterialCipher;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.MetricsFactory;
import software.amazon.lambda.powertools.metrics.model.DimensionSet;

/**
 * Lambda entry point of {@code key-rotation-fn}: the monthly EventBridge schedule and operator
 * actions ({@code rotate}, {@code revoke}, {@code status}, {@code bootstrap}; see
 * {@code events/key-rotation/}). Thin: parse the event ({@link CommandParser}), run the
 * {@link KeyRotator}, return its {@link RotationResult} as a map, flush metrics.
 *
 * <p>A malformed event fails with an {@link IllegalArgumentException} naming the field and changes
 * nothing. A failed rotation throws {@link RotationException} after logging and counting
 * {@code RotationFailed}, so EventBridge's retries and the DLQ see it; the next run resumes.
 *
 * <p>SnapStart: the constructor builds clients only (no connection, credentials or randomness is
 * captured) and registers {@link Priming} with the CRaC context, which warms the no-network paths
 * before the snapshot; key material randomness comes from a {@code SecureRandom} created per key,
 * and the EdgeKV HTTP client and publish secret are created on first use.
 */
public final class KeyRotationHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
  private static final Logger LOG = LoggerFactory.getLogger(KeyRotationHandler.class);
  static final Duration SECRET_CACHE_TTL = Duration.ofMinutes(5);
  static final String SERVICE_DIMENSION = "service";
  static final String DEFAULT_SERVICE_NAME = "key-rotation";

  private final CommandParser parser;
  private final KeyRotator rotator;
  private final RotationTelemetry telemetry;
  private final Metrics metrics;
  /** Held here as well as in the CRaC context, which may reference resources weakly. */
  private final Priming priming;

  /** Used by the Lambda runtime: configuration from the environment, validated here (cold start). */
  public KeyRotationHandler() {
    this(Env.system(), Clock.systemUTC());
  }

  KeyRotationHandler(Env env, Clock clock) {
    RotationConfig config = RotationConfig.fromEnv(env);
    AwsClients clients = new AwsClients(AwsSettings.fromEnvironment(env));
    this.metrics = MetricsFactory.getMetricsInstance();
    metrics.setNamespace(config.metricsNamespace());
    // The template's alarms select service=<POWERTOOLS_SERVICE_NAME>; set it from the validated
    // configuration rather than relying on Powertools reading the process environment.
    metrics.setDefaultDimensions(DimensionSet.of(SERVICE_DIMENSION, env.string("POWERTOOLS_SERVICE_NAME",
        DEFAULT_SERVICE_NAME)));
    this.telemetry = new PowertoolsTelemetry(metrics, config.keySet());
    EdgeKeyPublisher publisher = RotationConfig.PUBLISHER_EDGEKV.equals(config.publisher())
        ? new EdgeKvPublisher(new SecretsManagerPublishSecrets(
            clients.configure(SecretsManagerClient.builder()).httpClient(clients.httpClient()).build(),
            config.publishSecretId().orElseThrow(), SECRET_CACHE_TTL, clock), config.edgeKv())
        : new NoEdgeKeyPublisher();
    this.rotator = KeyRotator.create(clients.dynamoDb(), config.tableName(),
        new KeyMaterialCipher(clients.kms(), config.kmsKeyId()), publisher, telemetry, config.policy(), clock,
        FaultHook.NONE);
    this.parser = new CommandParser(clock);
    this.priming = new Priming(parser);
    priming.register();
  }

  KeyRotationHandler(CommandParser parser, KeyRotator rotator, RotationTelemetry telemetry, Metrics metrics) {
    this.parser = parser;
    this.rotator = rotator;
    this.telemetry = telemetry;
    this.metrics = metrics;
    this.priming = new Priming(parser);
  }

  /** The SnapStart priming registered by this handler. */
  Priming priming() {
    return priming;
  }

  @Override
  public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
    if (context != null) {
      PowertoolsLogging.initializeLogging(context);
    }
    try {
      return handle(event);
    } finally {
      metrics.flush();
      if (context != null) {
        PowertoolsLogging.clearState(true);
      }
    }
  }

  private Map<String, Object> handle(Map<String, Object> event) {
    RotationCommand command;
    try {
      command = parser.parse(event);
    } catch (IllegalArgumentException e) {
      LOG.warn("refused event: {}", e.getMessage());
      telemetry.commandRejected(e.getMessage());
      throw e;
    }
    LOG.info("{} requested by {}", command.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT),
        command.trigger());
    try {
      RotationResult result = rotator.execute(command);
      LOG.info("{} {}: {}", result.action(), result.outcome(), result.message());
      return result.toMap();
    } catch (RotationException e) {
      LOG.error("{} failed at step {}: {}", command.getClass().getSimpleName(), e.step(), e.getMessage(), e);
      throw e;
    } catch (IllegalArgumentException e) {
      LOG.warn("refused: {}", e.getMessage());
      throw e;
    }
  }
}
