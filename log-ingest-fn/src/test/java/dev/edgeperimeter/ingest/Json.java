package dev.edgeperimeter.ingest;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgeperimeter.shared.json.JsonLimits;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Test-side JSON reading (one static mapper on the shared factory). */
final class Json {
  static final ObjectMapper MAPPER = new ObjectMapper(JsonLimits.FACTORY);

  private Json() {
  }

  static Map<String, Object> map(String json) {
    try {
      return MAPPER.readValue(json, new TypeReference<Map<String, Object>>() { });
    } catch (IOException e) {
      throw new AssertionError("not a JSON object: " + json, e);
    }
  }

  /** Every normalized event of a prepared body, in event order. */
  static List<Map<String, Object>> events(PreparedBody body) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (int e = 0; e < body.events().count(); e++) {
      out.add(map(body.events().message(e)));
    }
    return out;
  }
}
