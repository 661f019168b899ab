package dev.edgeperimeter.local.observability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the functions really wrote, read back from their output: the CloudWatch metrics their EMF
 * documents define (namespace, name, one entry per dimension set with its values) and the field
 * names of their JSON log lines (nested objects as dotted paths, as Logs Insights names them).
 */
final class EmittedTelemetry {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One metric as CloudWatch stores it: namespace, name and the dimension values of one set. */
  record Metric(String namespace, String name, Map<String, String> dimensions) {
    @Override
    public String toString() {
      return namespace + " " + name + " " + dimensions;
    }
  }

  final Set<Metric> metrics = new java.util.LinkedHashSet<>();
  final Set<String> logFields = new TreeSet<>();

  /** Every line of a function's log: EMF documents become metrics, other JSON lines log fields. */
  void readLog(Path file) throws IOException {
    for (String line : Files.readAllLines(file)) {
      JsonNode n = parse(line);
      if (n == null) {
        continue;
      }
      if (n.has("_aws")) {
        emf(n);
      } else {
        fields("", n);
      }
    }
  }

  /** One stored log event (a message of the edge log group). */
  void readMessage(String message) {
    JsonNode n = parse(message);
    if (n != null) {
      fields("", n);
    }
  }

  private void emf(JsonNode doc) {
    for (JsonNode directive : doc.path("_aws").path("CloudWatchMetrics")) {
      String namespace = directive.path("Namespace").asText();
      for (JsonNode set : directive.path("Dimensions")) {
        Map<String, String> dims = new TreeMap<>();
        set.forEach(d -> dims.put(d.asText(), doc.path(d.asText()).asText()));
        for (JsonNode m : directive.path("Metrics")) {
          metrics.add(new Metric(namespace, m.path("Name").asText(), dims));
        }
      }
      if (directive.path("Dimensions").isEmpty()) {
        for (JsonNode m : directive.path("Metrics")) {
          metrics.add(new Metric(namespace, m.path("Name").asText(), Map.of()));
        }
      }
    }
  }

  private void fields(String prefix, JsonNode n) {
    for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String name = prefix + e.getKey();
      logFields.add(name);
      if (e.getValue().isObject()) {
        fields(name + ".", e.getValue());
      }
    }
  }

  private static JsonNode parse(String line) {
    String t = line.trim();
    if (!t.startsWith("{")) {
      return null;
    }
    try {
      JsonNode n = JSON.readTree(t);
      return n.isObject() ? n : null;
    } catch (IOException e) {
      return null;
    }
  }
}
