package dev.edgeperimeter.authorizer.support;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** Collects telemetry lines; splits them into log lines and EMF documents. */
public final class Sink implements Consumer<String> {
  private final List<String> lines = new CopyOnWriteArrayList<>();

  @Override
  public void accept(String line) {
    lines.add(line);
  }

  public List<String> lines() {
    return lines;
  }

  public List<JsonNode> emf() {
    return parsed().stream().filter(n -> n.has("_aws")).toList();
  }

  public List<JsonNode> logs() {
    return parsed().stream().filter(n -> !n.has("_aws")).toList();
  }

  private List<JsonNode> parsed() {
    return lines.stream().map(l -> {
      try {
        return Minter.JSON.readTree(l);
      } catch (Exception e) {
        throw new AssertionError("telemetry line is not JSON: " + l, e);
      }
    }).toList();
  }

  public void clear() {
    lines.clear();
  }
}
