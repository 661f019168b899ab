package dev.edgeperimeter.authorizer.event;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.edgeperimeter.authorizer.core.AuthRequest;
import dev.edgeperimeter.authorizer.core.Reason;
import dev.edgeperimeter.authorizer.core.Rejection;
import dev.edgeperimeter.authorizer.policy.MethodArn;
import dev.edgeperimeter.shared.json.JsonLimits;
import java.io.IOException;

/**
 * Reads the few fields the authorizer needs from an API Gateway authorizer event by streaming
 * (Jackson {@link JsonParser} on {@link JsonLimits#FACTORY}; no data binding), skipping the rest.
 * Header names are matched case-insensitively; a header that appears twice (in {@code headers}
 * under two spellings, or with several {@code multiValueHeaders} values) makes the request
 * ambiguous, which the core rejects as malformed. Anything that is not the expected shape is a
 * {@link Rejection} with {@code malformed}.
 */
public final class EventParser {
  /** Largest event read; authorizer events carry no body, so real ones are far smaller. */
  public static final int MAX_EVENT_BYTES = 256 * 1024;

  static final String ASSERTION_HEADER = "x-edge-assertion";
  static final String AUTHORIZATION_HEADER = "authorization";

  private EventParser() {
  }

  /** Parses {@code json} as an event of {@code type}; {@code requireArn} demands a usable method ARN. */
  public static AuthRequest parse(EventType type, byte[] json, boolean requireArn) throws Rejection {
    if (json.length > MAX_EVENT_BYTES) {
      throw new Rejection(Reason.MALFORMED);
    }
    Fields f = new Fields();
    try (JsonParser p = JsonLimits.FACTORY.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new Rejection(Reason.MALFORMED);
      }
      readTop(p, f);
      if (p.nextToken() != null) {
        throw new Rejection(Reason.MALFORMED);
      }
    } catch (IOException | RuntimeException e) {
      throw new Rejection(Reason.MALFORMED);
    }
    return switch (type) {
      case REST_TOKEN -> token(f);
      case REST_REQUEST -> restRequest(f, requireArn);
      case HTTP_API -> httpApi(f, requireArn);
    };
  }

  private static AuthRequest token(Fields f) throws Rejection {
    MethodArn arn = MethodArn.parse(f.methodArn);
    if (arn == null || (f.type != null && !"TOKEN".equals(f.type))) {
      throw new Rejection(Reason.MALFORMED);
    }
    return new AuthRequest(arn.method(), arn.path(), f.authorizationToken, null, f.ambiguous, f.methodArn, arn, null,
        null);
  }

  private static AuthRequest restRequest(Fields f, boolean requireArn) throws Rejection {
    MethodArn arn = MethodArn.parse(f.methodArn);
    if (f.httpMethod == null || f.path == null || (requireArn && arn == null)) {
      throw new Rejection(Reason.MALFORMED);
    }
    return new AuthRequest(f.httpMethod, f.path, f.assertion, f.authorization, f.ambiguous, f.methodArn, arn,
        f.sourceIp, f.requestId);
  }

  private static AuthRequest httpApi(Fields f, boolean requireArn) throws Rejection {
    MethodArn arn = MethodArn.parse(f.routeArn);
    if (!"2.0".equals(f.version) || f.contextMethod == null || f.rawPath == null || (requireArn && arn == null)) {
      throw new Rejection(Reason.MALFORMED);
    }
    String path = f.rawPath;
    String stage = f.stage;
    if (stage != null && !stage.isEmpty() && !"$default".equals(stage)) {
      String prefix = "/" + stage;
      if (path.equals(prefix)) {
        path = "/";
      } else if (path.startsWith(prefix + "/")) {
        path = path.substring(prefix.length());
      }
    }
    return new AuthRequest(f.contextMethod, path, f.assertion, f.authorization, f.ambiguous, f.routeArn, arn,
        f.sourceIp, f.requestId);
  }

  /** What the three shapes carry, read in one pass. */
  private static final class Fields {
    String type;
    String version;
    String methodArn;
    String routeArn;
    String authorizationToken;
    String httpMethod;
    String path;
    String rawPath;
    String stage;
    String contextMethod;
    String sourceIp;
    String requestId;
    String assertion;
    String authorization;
    int assertionCount;
    int authorizationCount;
    boolean ambiguous;
  }

  private static void readTop(JsonParser p, Fields f) throws IOException, Rejection {
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken t = p.nextToken();
      switch (name) {
        case "type" -> f.type = optionalString(p, t);
        case "version" -> f.version = optionalString(p, t);
        case "methodArn" -> f.methodArn = optionalString(p, t);
        case "routeArn" -> f.routeArn = optionalString(p, t);
        case "authorizationToken" -> f.authorizationToken = optionalString(p, t);
        case "httpMethod" -> f.httpMethod = optionalString(p, t);
        case "path" -> f.path = optionalString(p, t);
        case "rawPath" -> f.rawPath = optionalString(p, t);
        case "headers" -> readHeaders(p, t, f);
        case "multiValueHeaders" -> readMultiValueHeaders(p, t, f);
        case "requestContext" -> readRequestContext(p, t, f);
        default -> p.skipChildren();
      }
    }
  }

  private static String optionalString(JsonParser p, JsonToken t) throws IOException, Rejection {
    if (t == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    throw new Rejection(Reason.MALFORMED);
  }

  /** Whether {@code t} opens an object to read (not for JSON null, read as absent); anything else is malformed. */
  private static boolean objectOrNull(JsonToken t) throws Rejection {
    if (t == JsonToken.VALUE_NULL) {
      return false;
    }
    if (t != JsonToken.START_OBJECT) {
      throw new Rejection(Reason.MALFORMED);
    }
    return true;
  }

  /** The headers the authorizer reads. */
  private enum Header {
    ASSERTION,
    AUTHORIZATION;

    /** The header {@code name} stands for (case-insensitively), or null for one the authorizer ignores. */
    static Header of(String name) {
      if (name.equalsIgnoreCase(ASSERTION_HEADER)) {
        return ASSERTION;
      }
      if (name.equalsIgnoreCase(AUTHORIZATION_HEADER)) {
        return AUTHORIZATION;
      }
      return null;
    }
  }

  private static void readHeaders(JsonParser p, JsonToken t, Fields f) throws IOException, Rejection {
    if (!objectOrNull(t)) {
      return;
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      Header header = Header.of(p.currentName());
      JsonToken v = p.nextToken();
      if (header == null) {
        p.skipChildren();
        continue;
      }
      if (v == JsonToken.VALUE_NULL) {
        continue;
      }
      if (v != JsonToken.VALUE_STRING) {
        p.skipChildren();
        f.ambiguous = true;
        continue;
      }
      if (header == Header.ASSERTION) {
        f.assertion = p.getText();
        f.ambiguous |= ++f.assertionCount > 1;
      } else {
        f.authorization = p.getText();
        f.ambiguous |= ++f.authorizationCount > 1;
      }
    }
  }

  private static void readMultiValueHeaders(JsonParser p, JsonToken t, Fields f) throws IOException, Rejection {
    if (!objectOrNull(t)) {
      return;
    }
    int assertions = 0;
    int authorizations = 0;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      Header header = Header.of(p.currentName());
      JsonToken v = p.nextToken();
      if (header == null) {
        p.skipChildren();
        continue;
      }
      if (v != JsonToken.START_ARRAY) {
        p.skipChildren();
        f.ambiguous |= v != JsonToken.VALUE_NULL;
        continue;
      }
      int count = 0;
      while (p.nextToken() != JsonToken.END_ARRAY) {
        p.skipChildren();
        count++;
      }
      if (header == Header.ASSERTION) {
        assertions += count;
      } else {
        authorizations += count;
      }
    }
    f.ambiguous |= assertions > 1 || authorizations > 1;
  }

  private static void readRequestContext(JsonParser p, JsonToken t, Fields f) throws IOException, Rejection {
    if (!objectOrNull(t)) {
      return;
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken v = p.nextToken();
      switch (name) {
        case "stage" -> f.stage = optionalString(p, v);
        case "requestId" -> f.requestId = v == JsonToken.VALUE_STRING ? p.getText() : skip(p);
        case "identity" -> readObject(p, v, (key, value) -> {
          if ("sourceIp".equals(key)) {
            f.sourceIp = value;
          }
        });
        case "http" -> readObject(p, v, (key, value) -> {
          if ("method".equals(key)) {
            f.contextMethod = value;
          } else if ("sourceIp".equals(key)) {
            f.sourceIp = value;
          }
        });
        default -> p.skipChildren();
      }
    }
  }

  private static String skip(JsonParser p) throws IOException {
    p.skipChildren();
    return null;
  }

  @FunctionalInterface
  private interface StringField {
    void accept(String name, String value);
  }

  /** Reads the string members of an object (others skipped). */
  private static void readObject(JsonParser p, JsonToken t, StringField out) throws IOException, Rejection {
    if (!objectOrNull(t)) {
      return;
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken v = p.nextToken();
      if (v == JsonToken.VALUE_STRING) {
        out.accept(name, p.getText());
      } else {
        p.skipChildren();
      }
    }
  }
}
