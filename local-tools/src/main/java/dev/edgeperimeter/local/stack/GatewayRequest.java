package dev.edgeperimeter.local.stack;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One request as {@link LocalApiGateway} received it, matched to a route. */
record GatewayRequest(String requestId, String method, String path, String rawPath, RestApiDefinition.Route route,
    Map<String, String> pathParameters, Map<String, List<String>> headers, Map<String, List<String>> query,
    byte[] body, String sourceIp, Instant time) {

    Optional<String> header(String name) {
      for (Map.Entry<String, List<String>> e : headers.entrySet()) {
        if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
          return Optional.of(e.getValue().get(e.getValue().size() - 1));
        }
      }
      return Optional.empty();
    }
  }
