package dev.edgeperimeter.local.stack;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.edgeperimeter.shared.json.JsonLimits;

/** The local stack's JSON mapper (duplicate keys refused, depth capped) and small helpers. */
final class Json {
  static final ObjectMapper MAPPER = new ObjectMapper(JsonLimits.FACTORY)
      .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

  private Json() {
  }

  static String quote(String s) {
    try {
      return MAPPER.writeValueAsString(s);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] bytes(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static String text(Object value) {
    return new String(bytes(value), java.nio.charset.StandardCharsets.UTF_8);
  }
}
