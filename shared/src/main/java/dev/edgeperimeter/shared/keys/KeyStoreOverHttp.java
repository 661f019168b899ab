package dev.edgeperimeter.shared.keys;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.edgeperimeter.shared.aws.direct.AwsCallException;
import dev.edgeperimeter.shared.aws.direct.AwsJsonClient;
import dev.edgeperimeter.shared.json.JsonLimits;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a key set from the DynamoDB key table with a direct, signed {@code Query} (the same query
 * as the SDK-based {@link KeyStore}: {@code pk = KEYSET#<set>}, sort keys beginning {@code KEY#},
 * strongly consistent, every page). Material stays encrypted. Used by the authorizer, which carries
 * no AWS SDK.
 */
public final class KeyStoreOverHttp implements KeySetSource {
  /** One attribute value as DynamoDB's JSON has it: its type ({@code S}, {@code N}, {@code B}, ...) and text. */
  record Attribute(String type, String text) {
  }

  /** One page of a Query answer. */
  record Page(List<Map<String, Attribute>> items, Map<String, Attribute> lastEvaluatedKey) {
  }

  private static final int MAX_PAGES = 100;

  private final AwsJsonClient dynamo;
  private final String tableName;

  public KeyStoreOverHttp(AwsJsonClient dynamo, String tableName) {
    this.dynamo = dynamo;
    this.tableName = tableName;
  }

  @Override
  public List<KeyRecord> load(String keySet) {
    List<KeyRecord> keys = new ArrayList<>();
    Map<String, Attribute> start = null;
    int pages = 0;
    do {
      Page page = parse(dynamo.call("Query", queryBody(tableName, keySet, start)));
      for (Map<String, Attribute> item : page.items()) {
        KeyTableLayout.fromItem(keySet, view(item)).ifPresent(keys::add);
      }
      start = page.lastEvaluatedKey().isEmpty() ? null : page.lastEvaluatedKey();
      if (++pages >= MAX_PAGES && start != null) {
        throw new AwsCallException("DynamoDB.Query", 200, null, "key set " + keySet + " spans more than "
            + MAX_PAGES + " pages; refusing to read further", false, null);
      }
    } while (start != null);
    return keys;
  }

  static byte[] queryBody(String tableName, String keySet, Map<String, Attribute> exclusiveStartKey) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(384);
    try (JsonGenerator g = JsonLimits.FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("TableName", tableName);
      g.writeStringField("KeyConditionExpression", "#pk = :pk AND begins_with(#sk, :prefix)");
      g.writeObjectFieldStart("ExpressionAttributeNames");
      g.writeStringField("#pk", KeyTableLayout.PK);
      g.writeStringField("#sk", KeyTableLayout.SK);
      g.writeEndObject();
      g.writeObjectFieldStart("ExpressionAttributeValues");
      writeAttribute(g, ":pk", new Attribute("S", KeyTableLayout.partitionKey(keySet)));
      writeAttribute(g, ":prefix", new Attribute("S", KeyTableLayout.SORT_KEY_PREFIX));
      g.writeEndObject();
      g.writeBooleanField("ConsistentRead", true);
      if (exclusiveStartKey != null) {
        g.writeObjectFieldStart("ExclusiveStartKey");
        for (Map.Entry<String, Attribute> e : exclusiveStartKey.entrySet()) {
          writeAttribute(g, e.getKey(), e.getValue());
        }
        g.writeEndObject();
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static void writeAttribute(JsonGenerator g, String name, Attribute value) throws IOException {
    g.writeObjectFieldStart(name);
    g.writeStringField(value.type(), value.text());
    g.writeEndObject();
  }

  static Page parse(byte[] response) {
    List<Map<String, Attribute>> items = new ArrayList<>();
    Map<String, Attribute> last = Map.of();
    try (JsonParser p = JsonLimits.FACTORY.createParser(response)) {
      expect(p.nextToken(), JsonToken.START_OBJECT);
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if (field.equals("Items") && value == JsonToken.START_ARRAY) {
          while (p.nextToken() == JsonToken.START_OBJECT) {
            items.add(item(p));
          }
        } else if (field.equals("LastEvaluatedKey") && value == JsonToken.START_OBJECT) {
          last = item(p);
        } else {
          p.skipChildren();
        }
      }
    } catch (IOException | RuntimeException e) {
      throw new AwsCallException("DynamoDB.Query", 200, null, "the Query answer is not DynamoDB JSON", false, e);
    }
    return new Page(items, last);
  }

  /** Reads one item (the parser is on its START_OBJECT); values of types a key row never has are kept as type only. */
  private static Map<String, Attribute> item(JsonParser p) throws IOException {
    Map<String, Attribute> item = new LinkedHashMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      expect(p.nextToken(), JsonToken.START_OBJECT);
      Attribute attribute = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String type = p.currentName();
        JsonToken value = p.nextToken();
        if (value == JsonToken.VALUE_STRING) {
          attribute = new Attribute(type, p.getText());
        } else {
          p.skipChildren();
          attribute = new Attribute(type, null);
        }
      }
      item.put(name, attribute);
    }
    return item;
  }

  private static void expect(JsonToken actual, JsonToken expected) throws IOException {
    if (actual != expected) {
      throw new IOException("expected " + expected + " but found " + actual);
    }
  }

  static KeyTableLayout.ItemView view(Map<String, Attribute> item) {
    return new KeyTableLayout.ItemView() {
      @Override
      public String s(String name) {
        return text(name, "S");
      }

      @Override
      public String n(String name) {
        return text(name, "N");
      }

      @Override
      public byte[] b(String name) {
        String base64 = text(name, "B");
        return base64 == null ? null : Base64.getDecoder().decode(base64);
      }

      private String text(String name, String type) {
        Attribute a = item.get(name);
        return a != null && type.equals(a.type()) ? a.text() : null;
      }
    };
  }
}
