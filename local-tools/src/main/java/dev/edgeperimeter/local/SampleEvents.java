package dev.edgeperimeter.local;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code events/events.json}: which function and handler read each sample event, and the template
 * parameters it needs. A sample is found by its folder and file name, so the fresh copies under
 * {@code target/fresh-events/<folder>/} map like the originals.
 */
public final class SampleEvents {
  /** What a sample needs: the function's logical id, a handler other than the template's, parameters. */
  public record Mapping(String function, Optional<String> handler, Map<String, String> parameterOverrides,
      String source) {
  }

  private final JsonNode map;
  private final Path file;

  private SampleEvents(JsonNode map, Path file) {
    this.map = map;
    this.file = file;
  }

  /** Reads {@code events/events.json} of the project (an empty map when there is none). */
  public static SampleEvents load(Path projectDir) throws IOException {
    Path file = projectDir.resolve("events").resolve("events.json");
    if (!Files.isRegularFile(file)) {
      return new SampleEvents(FreshEvents.MAPPER.createObjectNode(), file);
    }
    return new SampleEvents(FreshEvents.MAPPER.readTree(file.toFile()), file);
  }

  /** The mapping of an event file, by its folder ({@code authorizer}, ...) and name. */
  public Optional<Mapping> of(Path event) {
    Path parent = event.toAbsolutePath().normalize().getParent();
    if (parent == null || parent.getFileName() == null) {
      return Optional.empty();
    }
    JsonNode folder = map.get(parent.getFileName().toString());
    if (folder == null || !folder.has("function")) {
      return Optional.empty();
    }
    JsonNode sample = folder.path("samples").path(event.getFileName().toString());
    Map<String, String> overrides = new LinkedHashMap<>();
    sample.path("parameterOverrides").fields().forEachRemaining(e -> overrides.put(e.getKey(), e.getValue().asText()));
    Optional<String> handler = sample.hasNonNull("handler") ? Optional.of(sample.get("handler").asText())
        : Optional.empty();
    return Optional.of(new Mapping(folder.get("function").asText(), handler, overrides,
        file.getParent().getParent().relativize(file).toString()));
  }

  /** The folders the map covers. */
  public Iterable<String> folders() {
    java.util.List<String> names = new java.util.ArrayList<>();
    map.fields().forEachRemaining(e -> {
      if (e.getValue().has("function")) {
        names.add(e.getKey());
      }
    });
    return names;
  }
}
