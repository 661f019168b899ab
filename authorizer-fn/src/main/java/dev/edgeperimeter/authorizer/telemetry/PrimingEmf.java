package dev.edgeperimeter.authorizer.telemetry;

import java.util.concurrent.CompletableFuture;
import software.amazon.cloudwatchlogs.emf.environment.Environment;
import software.amazon.cloudwatchlogs.emf.environment.EnvironmentProvider;
import software.amazon.cloudwatchlogs.emf.environment.LambdaEnvironment;
import software.amazon.cloudwatchlogs.emf.model.MetricsContext;
import software.amazon.cloudwatchlogs.emf.sinks.ISink;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.internal.EmfMetricsLogger;

/**
 * The metrics of SnapStart priming: Powertools' own EMF logger, in Lambda's EMF environment, whose
 * sink formats every document as the console sink does and drops the text. Priming a decision
 * through it runs Powertools' whole flush path (context, validation, dimensions, serializer) and
 * counts nothing: no document reaches CloudWatch before the snapshot.
 */
final class PrimingEmf {
  private PrimingEmf() {
  }

  /** A Powertools {@link Metrics} whose flushed documents are formatted and discarded. */
  static Metrics discardingMetrics() {
    return new EmfMetricsLogger(new EnvironmentProvider() {
      private final Environment environment = new DiscardingLambdaEnvironment();

      @Override
      public CompletableFuture<Environment> resolveEnvironment() {
        return CompletableFuture.completedFuture(environment);
      }
    }, new MetricsContext());
  }

  /** Lambda's EMF environment (same context properties), with a sink that formats and drops. */
  private static final class DiscardingLambdaEnvironment extends LambdaEnvironment {
    private final ISink sink = new ISink() {
      @Override
      public void accept(MetricsContext context) {
        try {
          context.serialize(); // what ConsoleSink prints; the text is dropped
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
          throw new IllegalStateException(e);
        }
      }

      @Override
      public CompletableFuture<Void> shutdown() {
        return CompletableFuture.completedFuture(null);
      }
    };

    @Override
    public ISink getSink() {
      return sink;
    }
  }
}
