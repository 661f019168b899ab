package dev.edgeperimeter.shared.keys;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.edgeperimeter.shared.aws.direct.AwsCallException;
import dev.edgeperimeter.shared.aws.direct.AwsJsonClient;
import dev.edgeperimeter.shared.json.JsonLimits;
import dev.edgeperimeter.shared.json.JsonText;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
        Optional<KeyRecord> key = KeyTableLayout.fromItem(keySet, view(item));
        if (key.isPresent()) {
          keys.add(key.get());
        }
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
    StringBuilder b = new StringBuilder(320);
    b.append("{\"TableName\":");
    JsonText.quote(b, tableName);
    b.append(",\"KeyConditionExpression\":\"#pk = :pk AND begins_with(#sk, :prefix)\"")
        .append(",\"ExpressionAttributeNames\":{\"#pk\":");
    JsonText.quote(b, KeyTableLayout.PK).append(",\"#sk\":");
    JsonText.quote(b, KeyTableLayout.SK).append("},\"ExpressionAttributeValues\":{");
    attribute(b, ":pk", new Attribute("S", KeyTableLayout.partitionKey(keySet))).append(',');
    attribute(b, ":prefix", new Attribute("S", KeyTableLayout.SORT_KEY_PREFIX)).append("},\"ConsistentRead\":true");
    if (exclusiveStartKey != null) {
      b.append(",\"ExclusiveStartKey\":{");
      boolean first = true;
      for (Map.Entry<String, Attribute> e : exclusiveStartKey.entrySet()) {
        if (!first) {
          b.append(',');
        }
        first = false;
        attribute(b, e.getKey(), e.getValue());
      }
      b.append('}');
    }
    return b.append('}').toString().getBytes(StandardCharsets.UTF_8);
  }

  private static StringBuilder attribute(StringBuilder b, String name, Attribute value) {
    JsonText.quote(b, name).append(":{");
    return JsonText.quote(JsonText.quote(b, value.type()).append(':'), value.text()).append('}');
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
          for (Attribute key : last.values()) {
            if (key == null || key.text() == null) {
              throw new IOException("LastEvaluatedKey holds a non-scalar attribute");
            }
          }
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
