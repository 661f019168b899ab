package dev.edgeperimeter.local.page;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The local stack's one timeline: what the edge decided (the EdgeWorker's decision lines in the
 * local edge's log), what the authorizer decided and why (its JSON decision lines), what the
 * backend or API Gateway answered (the local gateway's access log), and the edge log lines that
 * log-ingest stored in CloudWatch Logs, joined by the edge's request id (the assertion's
 * {@code jti}, the ingested lines' {@code reqId}); plus counters per reason and the rolling-baseline
 * flag ({@link RollingBaseline}). A request that never passed the edge (sent straight to the
 * gateway) has no edge request id: its authorizer line is a row of its own, answered 401 or 403 by
 * API Gateway. Reads only what the processes write; tails the files on each {@link #snapshot()}.
 */
public final class PerimeterTimeline {
  /** Rows kept (oldest dropped first). */
  static final int MAX_ROWS = 500;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Where the parts write. {@code ingested} returns every message in the edge log group. */
  public record Sources(Path edgeLog, Path authorizerLog, Path accessLog, Supplier<List<String>> ingested) {
  }

  private static final class Row {
    final String key;
    final long seq;
    String requestId;
    Instant time;
    String method;
    String path;
    ObjectNode edge;
    ObjectNode origin;
    ObjectNode backend;
    final ArrayNode ingested = JSON.createArrayNode();

    Row(String key, long seq, Instant time) {
      this.key = key;
      this.seq = seq;
      this.time = time;
    }
  }

  private final LogTail edgeTail;
  private final LogTail authorizerTail;
  private final LogTail accessTail;
  private final Supplier<List<String>> ingested;
  private final Clock clock;
  private final RollingBaseline baseline;
  private final Map<String, Row> rows = new LinkedHashMap<>();
  private final Map<String, Integer> edgeCounts = new TreeMap<>();
  private final Map<String, Integer> originCounts = new TreeMap<>();
  private final Set<String> ingestedSeen = new HashSet<>();
  private long seq;

  public PerimeterTimeline(Sources sources, Clock clock, RollingBaseline baseline) {
    this.edgeTail = new LogTail(sources.edgeLog());
    this.authorizerTail = new LogTail(sources.authorizerLog());
    this.accessTail = new LogTail(sources.accessLog());
    this.ingested = sources.ingested();
    this.clock = clock;
    this.baseline = baseline;
  }

  /** Reads what was written since the last call and answers the whole view. */
  public synchronized ObjectNode snapshot() {
    Instant now = clock.instant();
    edgeTail.newLines().forEach(line -> edgeLine(line, now));
    authorizerTail.newLines().forEach(line -> authorizerLine(line, now));
    accessTail.newLines().forEach(line -> accessLine(line, now));
    List<String> messages = ingested.get();
    for (String message : messages) {
      if (ingestedSeen.add(message)) {
        ingestedLine(message, now);
      }
    }
    return view(now);
  }

  // ------------------------------------------------------------------ the sources

  /** {@code EW_LOG decision=forward reason=ok kid=... jti=... sub=... htm=GET handler=...}. */
  private void edgeLine(String line, Instant now) {
    if (!line.startsWith("EW_LOG ")) {
      return;
    }
    Map<String, String> f = keyValues(line.substring("EW_LOG ".length()));
    String decision = f.get("decision");
    String reason = f.get("reason");
    if (decision == null || reason == null || "pass".equals(decision)) {
      return; // "pass" is onClientRequest's half; onOriginRequest's line (forward, ...) decides
    }
    String jti = f.get("jti");
    Row row = row(jti, "edge", now);
    ObjectNode edge = JSON.createObjectNode().put("decision", decision).put("reason", reason);
    putIfPresent(edge, "kid", f.get("kid"));
    putIfPresent(edge, "handler", f.get("handler"));
    row.edge = edge;
    if (row.method == null) {
      row.method = f.get("htm");
    }
    if (!"forward".equals(decision)) {
      row.backend = JSON.createObjectNode().put("by", "edge").put("answer", "refused at the edge");
    }
    count(edgeCounts, decision, reason);
    if ("reject".equals(decision)) {
      baseline.add(now, "edge " + reason);
    }
  }

  /** A JSON line with {@code decision} and {@code reason} (the authorizer's decision log). */
  private void authorizerLine(String line, Instant now) {
    JsonNode n = parse(line);
    if (n == null || !n.path("decision").isTextual() || !n.path("reason").isTextual()) {
      return;
    }
    Instant at = instant(n.path("timestamp").asText(null), now);
    String decision = n.path("decision").asText();
    String reason = n.path("reason").asText();
    Row row = row(n.path("jti").asText(null), "origin", at);
    row.time = at;
    ObjectNode origin = JSON.createObjectNode().put("decision", decision).put("reason", reason);
    putIfPresent(origin, "kid", n.path("kid").asText(null));
    if (n.path("degraded").asBoolean(false)) {
      origin.put("degraded", true);
    }
    row.origin = origin;
    if (!"Allow".equals(decision) && row.backend == null) {
      row.backend = JSON.createObjectNode().put("by", "API Gateway")
          .put("status", "Deny".equals(decision) ? 403 : 401);
    }
    count(originCounts, decision, reason);
    if (!"Allow".equals(decision)) {
      baseline.add(at, "origin " + reason);
    }
  }

  /** {@code <apigw id> GET /prod/orders/42 200 authorizer=invoked/allow jti=<id> 12ms}. */
  private void accessLine(String line, Instant now) {
    String[] t = line.trim().split(" ");
    if (t.length < 6 || !t[4].startsWith("authorizer=")) {
      return;
    }
    String authorizer = t[4].substring("authorizer=".length());
    String jti = t[5].startsWith("jti=") ? t[5].substring(4) : null;
    if (jti == null && (authorizer.startsWith("invoked/") || authorizer.equals("unauthorized"))) {
      return; // a rejection the authorizer's own line already shows (no request id to join on)
    }
    Row row = row(jti, "gateway", now);
    row.method = t[1];
    row.path = t[2];
    ObjectNode backend = JSON.createObjectNode().put("by", jti != null ? "backend" : "API Gateway");
    try {
      backend.put("status", Integer.parseInt(t[3]));
    } catch (NumberFormatException e) {
      backend.put("answer", t[3]);
    }
    if (jti == null) {
      backend.put("authorizer", authorizer);
    }
    row.backend = backend;
  }

  /** A message of the edge log group: JSON with {@code reqId}, {@code kind}, {@code msg} or {@code body}. */
  private void ingestedLine(String message, Instant now) {
    JsonNode n = parse(message);
    if (n == null) {
      return;
    }
    String reqId = n.path("reqId").asText(null);
    Row row = row(reqId, "ingested", now);
    ObjectNode item = JSON.createObjectNode();
    putIfPresent(item, "kind", n.path("kind").asText(null));
    putIfPresent(item, "level", n.hasNonNull("level") ? n.path("level").asText() : n.path("severity").asText(null));
    String text = n.hasNonNull("msg") ? n.path("msg").asText() : n.path("body").asText(message);
    item.put("text", text.length() > 300 ? text.substring(0, 300) + "..." : text);
    row.ingested.add(item);
  }

  // ------------------------------------------------------------------ rows and the view

  private Row row(String requestId, String source, Instant at) {
    String key = requestId != null && !requestId.isBlank() ? "req " + requestId : source + " #" + (seq + 1);
    Row row = rows.get(key);
    if (row == null) {
      row = new Row(key, ++seq, at);
      row.requestId = requestId;
      rows.put(key, row);
      if (rows.size() > MAX_ROWS) {
        Iterator<String> oldest = rows.keySet().iterator();
        oldest.next();
        oldest.remove();
      }
    }
    return row;
  }

  private ObjectNode view(Instant now) {
    ObjectNode out = JSON.createObjectNode();
    out.put("now", now.toString());
    ArrayNode list = out.putArray("rows");
    List<Row> newestFirst = new ArrayList<>(rows.values());
    newestFirst.sort(Comparator.comparing((Row r) -> r.time).thenComparingLong(r -> r.seq).reversed());
    for (Row r : newestFirst) {
      ObjectNode o = list.addObject();
      o.put("requestId", r.requestId);
      o.put("time", r.time.toString());
      o.put("method", r.method);
      o.put("path", r.path);
      o.set("edge", r.edge);
      o.set("origin", r.origin);
      o.set("backend", r.backend);
      o.set("ingested", r.ingested);
    }
    ObjectNode counters = out.putObject("counters");
    counters.set("edge", counterList(edgeCounts));
    counters.set("origin", counterList(originCounts));
    ObjectNode anomaly = out.putObject("anomaly");
    anomaly.put("label", "local stand-in for the AWS anomaly detectors: rejections per reason in the last "
        + baseline.window().toSeconds() + " s against a rolling baseline");
    anomaly.put("windowSeconds", baseline.window().toSeconds());
    ArrayNode reasons = anomaly.putArray("reasons");
    boolean flagged = false;
    for (RollingBaseline.Verdict v : baseline.verdicts(now)) {
      reasons.addObject().put("reason", v.reason()).put("latest", v.latest())
          .put("baseline", Math.round(v.baselineMean() * 100) / 100.0)
          .put("threshold", Math.round(v.threshold() * 100) / 100.0).put("flagged", v.flagged());
      flagged |= v.flagged();
    }
    anomaly.put("flagged", flagged);
    return out;
  }

  private static ArrayNode counterList(Map<String, Integer> counts) {
    ArrayNode list = JSON.createArrayNode();
    counts.forEach((k, v) -> {
      int space = k.indexOf(' ');
      list.addObject().put("decision", k.substring(0, space)).put("reason", k.substring(space + 1)).put("count", v);
    });
    return list;
  }

  private static void count(Map<String, Integer> counts, String decision, String reason) {
    counts.merge(decision + " " + reason, 1, Integer::sum);
  }

  private static Map<String, String> keyValues(String text) {
    Map<String, String> f = new LinkedHashMap<>();
    for (String part : text.trim().split(" ")) {
      int eq = part.indexOf('=');
      if (eq > 0) {
        f.put(part.substring(0, eq), part.substring(eq + 1));
      }
    }
    return f;
  }

  private static JsonNode parse(String line) {
    String t = line.trim();
    if (!t.startsWith("{")) {
      return null;
    }
    try {
      JsonNode n = JSON.readTree(t);
      return n != null && n.isObject() ? n : null;
    } catch (java.io.IOException e) {
      return null;
    }
  }

  private static Instant instant(String text, Instant fallback) {
    if (text == null) {
      return fallback;
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      return fallback;
    }
  }

  private static void putIfPresent(ObjectNode o, String name, String value) {
    if (value != null && !value.isEmpty()) {
      o.put(name, value);
    }
  }
}
