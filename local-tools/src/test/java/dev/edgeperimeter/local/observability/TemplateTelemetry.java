package dev.edgeperimeter.local.observability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgeperimeter.testsupport.SamTemplate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code template.yaml} watches and queries: the metrics of every alarm, anomaly detector and
 * dashboard widget (plain metrics, and the schema and filters of {@code SEARCH} expressions), and
 * every Logs Insights query (query definitions and dashboard log widgets).
 */
final class TemplateTelemetry {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern SEARCH = Pattern.compile("SEARCH\\('\\{([^}]*)\\}([^']*)'");
  private static final Pattern FILTER = Pattern.compile("([A-Za-z]+)=\"([^\"]*)\"");

  /** A metric the template names; dimension values null for AWS metrics named by reference. */
  record Watched(String where, String namespace, String name, Map<String, String> dimensions) {
  }

  /** A {@code SEARCH('{Namespace,dim1,dim2} key="value" MetricName="X"', ...)}: exact dimension keys. */
  record Search(String where, String namespace, List<String> dimensionKeys, Map<String, String> filters) {
  }

  record Query(String where, String text) {
  }

  final List<Watched> watched = new ArrayList<>();
  final List<Search> searches = new ArrayList<>();
  final List<Query> queries = new ArrayList<>();
  final List<String> alarms;
  final String dashboardId;

  TemplateTelemetry(SamTemplate template) {
    alarms = template.resourcesOfType("AWS::CloudWatch::Alarm");
    for (String alarm : alarms) {
      Map<String, Object> p = template.properties(alarm);
      if (p.containsKey("MetricName")) {
        watched.add(watched(alarm, p));
      }
      for (Object q : SamTemplate.list(p.get("Metrics"))) {
        metricStat(alarm, SamTemplate.map(q));
      }
    }
    for (String detector : template.resourcesOfType("AWS::CloudWatch::AnomalyDetector")) {
      Map<String, Object> p = template.properties(detector);
      Map<String, Object> single = SamTemplate.map(p.get("SingleMetricAnomalyDetector"));
      if (!single.isEmpty()) {
        watched.add(watched(detector, single));
      }
      for (Object q : SamTemplate.list(SamTemplate.map(p.get("MetricMathAnomalyDetector")).get("MetricDataQueries"))) {
        metricStat(detector, SamTemplate.map(q));
      }
    }
    for (String definition : template.resourcesOfType("AWS::Logs::QueryDefinition")) {
      queries.add(new Query(definition, String.valueOf(template.properties(definition).get("QueryString"))));
    }
    List<String> dashboards = template.resourcesOfType("AWS::CloudWatch::Dashboard");
    dashboardId = dashboards.isEmpty() ? null : dashboards.get(0);
    for (String dashboard : dashboards) {
      dashboard(dashboard, dashboardBody(template.properties(dashboard).get("DashboardBody")));
    }
  }

  /** The dashboard body with every {@code ${...}} of its Fn::Sub replaced by a placeholder. */
  static JsonNode dashboardBody(Object body) {
    Object text = body instanceof Map<?, ?> m && m.containsKey("Fn::Sub") ? m.get("Fn::Sub") : body;
    try {
      return JSON.readTree(String.valueOf(text).replaceAll("\\$\\{[^}]+}", "SUBSTITUTED"));
    } catch (IOException e) {
      throw new UncheckedIOException("the dashboard body is not JSON", e);
    }
  }

  private void dashboard(String id, JsonNode body) {
    int index = 0;
    for (JsonNode widget : body.path("widgets")) {
      String where = id + " widget " + index++ + " (" + widget.path("properties").path("title").asText(widget.path("type").asText()) + ")";
      JsonNode props = widget.path("properties");
      if (props.has("query")) {
        String q = props.path("query").asText();
        queries.add(new Query(where, q.replaceAll("SOURCE '[^']*'\\s*\\|", "")));
      }
      for (JsonNode entry : props.path("metrics")) {
        if (entry.size() == 1 && entry.get(0).has("expression")) {
          expression(where, entry.get(0).path("expression").asText());
          continue;
        }
        List<String> parts = new ArrayList<>();
        entry.forEach(p -> {
          if (p.isTextual()) {
            parts.add(p.asText());
          }
        });
        if (parts.size() < 2 || parts.size() % 2 != 0 || parts.contains(".")) {
          throw new AssertionError(where + ": write every metric out as [namespace, name, key, value, ...] (got " + entry + ")");
        }
        Map<String, String> dims = new TreeMap<>();
        for (int i = 2; i < parts.size(); i += 2) {
          dims.put(parts.get(i), parts.get(i + 1));
        }
        watched.add(new Watched(where, parts.get(0), parts.get(1), dims));
      }
    }
  }

  private void expression(String where, String expression) {
    Matcher m = SEARCH.matcher(expression);
    boolean any = false;
    while (m.find()) {
      any = true;
      String[] schema = m.group(1).split(",");
      List<String> keys = new ArrayList<>();
      for (int i = 1; i < schema.length; i++) {
        keys.add(schema[i].trim());
      }
      Map<String, String> filters = new LinkedHashMap<>();
      Matcher f = FILTER.matcher(m.group(2));
      while (f.find()) {
        filters.put(f.group(1), f.group(2));
      }
      searches.add(new Search(where, schema[0].trim(), keys, filters));
    }
    if (!any) {
      throw new AssertionError(where + ": an expression without SEARCH needs its metrics listed (ids) in this test: " + expression);
    }
  }

  private void metricStat(String where, Map<String, Object> query) {
    Map<String, Object> metric = SamTemplate.map(SamTemplate.map(query.get("MetricStat")).get("Metric"));
    if (!metric.isEmpty()) {
      watched.add(watched(where, metric));
    }
  }

  private static Watched watched(String where, Map<String, Object> m) {
    Map<String, String> dims = new TreeMap<>();
    for (Object d : SamTemplate.list(m.get("Dimensions"))) {
      Object value = SamTemplate.map(d).get("Value");
      dims.put(String.valueOf(SamTemplate.map(d).get("Name")), value instanceof String s ? s : null);
    }
    return new Watched(where, String.valueOf(m.get("Namespace")), String.valueOf(m.get("MetricName")), dims);
  }
}
