package dev.edgeperimeter.authorizer.event;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.edgeperimeter.authorizer.core.Decision;
import dev.edgeperimeter.shared.json.JsonLimits;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;

/**
 * Writes API Gateway authorizer responses with a Jackson {@link JsonGenerator}: the IAM policy
 * response (REST APIs, HTTP API with {@code HTTP_API_RESPONSE=iam}) and the HTTP API simple response.
 */
public final class ResponseWriter {
  private ResponseWriter() {
  }

  /**
   * {@code {"principalId", "policyDocument": {"Version", "Statement": [Allow..., Deny...]}, "context"}}.
   * Only for Allow and Deny decisions (Unauthorized is signalled by the exception).
   */
  public static void policy(Decision d, OutputStream out) throws IOException {
    try (JsonGenerator g = JsonLimits.FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("principalId", d.principalId());
      g.writeObjectFieldStart("policyDocument");
      g.writeStringField("Version", "2012-10-17");
      g.writeArrayFieldStart("Statement");
      if (!d.allow().isEmpty()) {
        statement(g, "Allow", d.allow());
      }
      if (d.deny() != null) {
        statement(g, "Deny", List.of(d.deny()));
      }
      g.writeEndArray();
      g.writeEndObject();
      context(g, d.context());
      g.writeEndObject();
    }
  }

  /** {@code {"isAuthorized": true|false, "context": {...}}} (HTTP API simple response). */
  public static void simple(Decision d, OutputStream out) throws IOException {
    try (JsonGenerator g = JsonLimits.FACTORY.createGenerator(out)) {
      g.writeStartObject();
      boolean allowed = d.outcome() == Decision.Outcome.ALLOW;
      g.writeBooleanField("isAuthorized", allowed);
      if (allowed) {
        context(g, d.context());
      }
      g.writeEndObject();
    }
  }

  private static void statement(JsonGenerator g, String effect, List<String> resources) throws IOException {
    g.writeStartObject();
    g.writeStringField("Action", "execute-api:Invoke");
    g.writeStringField("Effect", effect);
    g.writeArrayFieldStart("Resource");
    for (String r : resources) {
      g.writeString(r);
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  private static void context(JsonGenerator g, Map<String, String> context) throws IOException {
    g.writeObjectFieldStart("context");
    for (Map.Entry<String, String> e : context.entrySet()) {
      g.writeStringField(e.getKey(), e.getValue() == null ? "" : e.getValue());
    }
    g.writeEndObject();
  }
}
