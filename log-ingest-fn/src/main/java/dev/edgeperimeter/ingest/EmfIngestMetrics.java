package dev.edgeperimeter.ingest;

import java.util.Map;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.model.DimensionSet;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;
import software.amazon.lambda.powertools.metrics.provider.EmfMetricsProvider;

/**
 * EMF metrics through Powertools (non-AspectJ API: a metrics instance from its EMF provider,
 * {@code flushMetrics}, {@code flushSingleMetric}; see {@link #of}). One document per body with dimension
 * {@code Format} ({@code edgeworker} | {@code ds2}):
 * {@code RecordsRead}, {@code RecordsAccepted}, {@code RecordsRejected}, {@code CdnStatus2xx..5xx},
 * {@code CacheHits}, {@code CacheMisses}, {@code CacheHitRatio} (percent), and the value arrays
 * {@code EdgeTurnaroundTime} / {@code OriginTurnaroundTime} (ms; Powertools' EMF writer keeps
 * repeated values of one metric as an array, split at 100 values per document, so CloudWatch
 * computes percentiles over every record). Separate documents: {@code RecordsRejected} by
 * {@code Format, Reason}; {@code EdgeWorkerErrors} by {@code EdgeWorkerId, Handler};
 * {@code EdgeLogRecords} by {@code Severity}; {@code IngestStorageFailed} by {@code service} (a body
 * answered 503 because storage failed after retries). One dimension set per metric, except
 * {@code RecordsRejected}: by {@code Format} (alarms, dashboard) and by {@code Format, Reason} (the
 * reason codes). All dimension values come from small fixed sets
 * (see {@link BatchStats}); request ids and IPs never become dimensions.
 */
public final class EmfIngestMetrics implements IngestMetrics {
  /** {@code POWERTOOLS_SERVICE_NAME} of the function in the template. */
  public static final String DEFAULT_SERVICE_NAME = "log-ingest";
  private final Metrics metrics;
  private final String namespace;
  private final String service;

  /**
   * The function's metrics: Powertools Metrics from its EMF provider, not the shared
   * {@code MetricsFactory.getMetricsInstance()}, which keeps one metrics object per X-Ray trace id
   * until {@code flush()} is called on it; {@code flushMetrics} and {@code flushSingleMetric} (one
   * self-contained document each) never do, so a warm container would hold one object per
   * invocation it ever answered. The provider's instance keeps nothing between bodies.
   */
  public static EmfIngestMetrics of(String namespace, String service) {
    return new EmfIngestMetrics(new EmfMetricsProvider().getMetricsInstance(), namespace, service);
  }

  public EmfIngestMetrics(Metrics metrics, String namespace) {
    this(metrics, namespace, DEFAULT_SERVICE_NAME);
  }

  public EmfIngestMetrics(Metrics metrics, String namespace, String service) {
    this.metrics = metrics;
    this.namespace = namespace;
    this.service = service;
  }

  @Override
  public void publish(BodyFormat format, BatchStats s) {
    String f = format == BodyFormat.EDGEWORKER_BATCH ? "edgeworker" : "ds2";
    int rejected = s.rejectedByReason().values().stream().mapToInt(Integer::intValue).sum();
    metrics.flushMetrics(m -> {
      m.setNamespace(namespace);
      // the document's only dimension set: added to the defaults, Powertools would publish every
      // metric a second time under Service=<POWERTOOLS_SERVICE_NAME>, which no alarm or dashboard reads
      m.setDefaultDimensions(DimensionSet.of("Format", f));
      m.addMetric("RecordsRead", s.recordsRead(), MetricUnit.COUNT);
      m.addMetric("RecordsAccepted", s.accepted(), MetricUnit.COUNT);
      m.addMetric("RecordsRejected", rejected, MetricUnit.COUNT);
      long cdn = 0;
      for (int c = 2; c <= 5; c++) {
        cdn += s.statusClass(c);
      }
      if (cdn > 0) {
        for (int c = 2; c <= 5; c++) {
          m.addMetric("CdnStatus" + c + "xx", s.statusClass(c), MetricUnit.COUNT);
        }
      }
      long cached = s.cacheHits() + s.cacheMisses();
      if (cached > 0) {
        m.addMetric("CacheHits", s.cacheHits(), MetricUnit.COUNT);
        m.addMetric("CacheMisses", s.cacheMisses(), MetricUnit.COUNT);
        m.addMetric("CacheHitRatio", 100.0 * s.cacheHits() / cached, MetricUnit.PERCENT);
      }
      for (int v : s.edgeTurnaroundMillis().sorted()) {
        m.addMetric("EdgeTurnaroundTime", v, MetricUnit.MILLISECONDS);
      }
      for (int v : s.originTurnaroundMillis().sorted()) {
        m.addMetric("OriginTurnaroundTime", v, MetricUnit.MILLISECONDS);
      }
    });
    s.rejectedByReason().forEach((reason, count) -> metrics.flushSingleMetric("RecordsRejected", count,
        MetricUnit.COUNT, namespace, DimensionSet.of("Format", f, "Reason", reason.code())));
    for (Map.Entry<String, Map<String, Integer>> ew : s.edgeWorkerErrors().entrySet()) {
      ew.getValue().forEach((handler, count) -> metrics.flushSingleMetric("EdgeWorkerErrors", count,
          MetricUnit.COUNT, namespace, DimensionSet.of("EdgeWorkerId", ew.getKey(), "Handler", handler)));
    }
    s.severities().forEach((severity, count) -> metrics.flushSingleMetric("EdgeLogRecords", count,
        MetricUnit.COUNT, namespace, DimensionSet.of("Severity", severity)));
  }

  @Override
  public void storageFailed(BodyFormat format) {
    metrics.flushSingleMetric("IngestStorageFailed", 1, MetricUnit.COUNT, namespace,
        DimensionSet.of("service", service));
  }
}
