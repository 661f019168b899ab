package dev.edgeperimeter.rotation;

import dev.edgeperimeter.rotation.edge.EdgeKvTarget;
import dev.edgeperimeter.shared.config.Env;
import dev.edgeperimeter.shared.keys.KeyId;
import dev.edgeperimeter.shared.keys.KeyTable;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The key-rotation function's configuration, read and validated once at cold start. Every
 * problem is a {@link dev.edgeperimeter.shared.config.ConfigException} naming the variable.
 *
 * @param tableName       {@code KEY_TABLE_NAME}
 * @param keySet          {@code KEY_SET} (default {@code edge-origin})
 * @param kmsKeyId        {@code KMS_KEY_ID}: the key new material is encrypted under
 * @param gracePeriod     {@code GRACE_PERIOD_HOURS} (48): how long a PREVIOUS key stays accepted
 * @param keyLifetime     {@code KEY_LIFETIME_DAYS} (100): {@code notAfter = createdAt + this}
 * @param retiredTtl      {@code RETIRED_TTL_DAYS} (30): RETIRED rows are deleted by TTL this long after retirement
 * @param publisher       {@code EDGE_PUBLISHER}: {@code edgekv} or {@code none}
 * @param publishSecretId {@code EDGE_PUBLISH_SECRET_ID}, required for {@code edgekv}
 * @param edgeKv          {@code EDGEKV_NAMESPACE}, {@code EDGEKV_GROUP}, {@code EDGEKV_ITEM}, {@code EDGEKV_NETWORKS}
 * @param metricsNamespace {@code POWERTOOLS_METRICS_NAMESPACE} (default {@code EdgePerimeter})
 */
public record RotationConfig(
    String tableName,
    String keySet,
    String kmsKeyId,
    Duration gracePeriod,
    Duration keyLifetime,
    Duration retiredTtl,
    String publisher,
    Optional<String> publishSecretId,
    EdgeKvTarget edgeKv,
    String metricsNamespace) {

  public static final String PUBLISHER_EDGEKV = "edgekv";
  public static final String PUBLISHER_NONE = "none";

  /** The longest a key can be CURRENT: a calendar month plus a late or retried schedule. */
  static final Duration LONGEST_CURRENT = Duration.ofDays(32);

  public static RotationConfig fromEnv(Env env) {
    String table = env.required("KEY_TABLE_NAME");
    String keySet = env.string("KEY_SET", KeyTable.DEFAULT_KEY_SET);
    if (!KeyId.isValid(keySet)) {
      throw env.invalid("KEY_SET", "must be 1-64 characters of [A-Za-z0-9._-]");
    }
    String kmsKeyId = env.required("KMS_KEY_ID");
    Duration grace = Duration.ofHours(env.integer("GRACE_PERIOD_HOURS", 48, 1, 24 * 31));
    Duration lifetime = Duration.ofDays(env.integer("KEY_LIFETIME_DAYS", 100, 1, 3650));
    if (lifetime.compareTo(LONGEST_CURRENT.plus(grace)) < 0) {
      throw env.invalid("KEY_LIFETIME_DAYS", "must cover a month as CURRENT plus GRACE_PERIOD_HOURS as PREVIOUS ("
          + LONGEST_CURRENT.plus(grace).toHours() + " h); got " + lifetime.toDays() + " days");
    }
    Duration retiredTtl = Duration.ofDays(env.integer("RETIRED_TTL_DAYS", 30, 1, 3650));
    String publisher = env.oneOf("EDGE_PUBLISHER", PUBLISHER_EDGEKV, Set.of(PUBLISHER_EDGEKV, PUBLISHER_NONE));
    Optional<String> secretId = env.optional("EDGE_PUBLISH_SECRET_ID");
    if (PUBLISHER_EDGEKV.equals(publisher) && secretId.isEmpty()) {
      throw env.invalid("EDGE_PUBLISH_SECRET_ID", "is required when EDGE_PUBLISHER is edgekv");
    }
    EdgeKvTarget target = new EdgeKvTarget(
        edgeKvName(env, "EDGEKV_NAMESPACE", "edge-perimeter"),
        edgeKvName(env, "EDGEKV_GROUP", "edge-keys"),
        edgeKvName(env, "EDGEKV_ITEM", "current"),
        networks(env));
    return new RotationConfig(table, keySet, kmsKeyId, grace, lifetime, retiredTtl, publisher, secretId, target,
        env.string("POWERTOOLS_METRICS_NAMESPACE", "EdgePerimeter"));
  }

  /** EdgeKV names go into the API path, so they are held to EdgeKV's own alphabet. */
  private static String edgeKvName(Env env, String name, String defaultValue) {
    String value = env.string(name, defaultValue);
    if (!value.matches("[A-Za-z0-9_-]{1,128}")) {
      throw env.invalid(name, "must be 1-128 characters of [A-Za-z0-9_-]");
    }
    return value;
  }

  private static List<String> networks(Env env) {
    List<String> networks = env.list("EDGEKV_NETWORKS", List.of("staging", "production"));
    if (networks.isEmpty()) {
      throw env.invalid("EDGEKV_NETWORKS", "must name at least one network");
    }
    for (String network : networks) {
      if (!network.equals("staging") && !network.equals("production")) {
        throw env.invalid("EDGEKV_NETWORKS", "entries must be staging or production, got '" + network + "'");
      }
    }
    if (networks.stream().distinct().count() != networks.size()) {
      throw env.invalid("EDGEKV_NETWORKS", "lists a network twice");
    }
    return networks;
  }

  /** The rotation policy part of the configuration. */
  public RotationPolicy policy() {
    return new RotationPolicy(keySet, gracePeriod, keyLifetime, retiredTtl);
  }
}
