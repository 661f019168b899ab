package dev.edgeperimeter.ingest;

import dev.edgeperimeter.shared.config.Env;
import java.time.Duration;

/**
 * The function's settings, validated at cold start (a {@code ConfigException} names the variable).
 *
 * @param logGroupName {@code LOG_GROUP_NAME}: where ingested events go
 * @param ledgerTable {@code INGEST_LEDGER_TABLE}: the batch ledger
 * @param maxBodyBytes {@code MAX_BODY_BYTES}: decompressed body cap (default 5 MiB)
 * @param ledgerTtl {@code LEDGER_TTL_HOURS}: how long a batch identity is remembered (default 72 h)
 * @param metricsNamespace {@code POWERTOOLS_METRICS_NAMESPACE} (default {@code EdgePerimeter})
 */
public record IngestConfig(String logGroupName, String ledgerTable, int maxBodyBytes, Duration ledgerTtl,
    String metricsNamespace) {

  public static IngestConfig from(Env env) {
    return new IngestConfig(
        env.required("LOG_GROUP_NAME"),
        env.required("INGEST_LEDGER_TABLE"),
        env.integer("MAX_BODY_BYTES", IngestLimits.DEFAULT_MAX_BODY_BYTES, 1024, 64 * 1024 * 1024),
        Duration.ofHours(env.integer("LEDGER_TTL_HOURS", 72, 1, 24 * 30)),
        env.string("POWERTOOLS_METRICS_NAMESPACE", "EdgePerimeter"));
  }
}
