package dev.edgeperimeter.rotation;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgeperimeter.shared.json.JsonLimits;

/** The key-rotation function's one {@link ObjectMapper}, on the shared strict {@link JsonLimits#FACTORY}; primed before a snapshot. */
public final class RotationJson {
  public static final ObjectMapper MAPPER = new ObjectMapper(JsonLimits.FACTORY);

  private RotationJson() {
  }
}
