package dev.edgeperimeter.shared.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgeperimeter.shared.aws.direct.AwsCallException;
import dev.edgeperimeter.shared.json.JsonLimits;
import dev.edgeperimeter.shared.json.JsonText;
import dev.edgeperimeter.shared.keys.KeyStoreOverHttp.Attribute;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The direct DynamoDB Query's JSON: what we send, and how answers are read. */
@Label("Key table over HTTP: Query bodies and answers")
class KeyStoreOverHttpFormatProperties {
  private static final ObjectMapper JSON = new ObjectMapper(JsonLimits.FACTORY);

  @Property(tries = 500)
  @Label("JsonText.quote: any string reads back as itself")
  void quoteRoundTrips(@ForAll String s) throws Exception {
    assertThat(JSON.readValue(JsonText.quote(new StringBuilder(), s).toString(), String.class)).isEqualTo(s);
  }

  @Property(tries = 300)
  @Label("the Query body names the table, the key set's partition, KEY# and the start key, whatever their characters")
  void queryBody(@ForAll("names") String table, @ForAll("names") String keySet, @ForAll("names") String startSk)
      throws Exception {
    Map<String, Attribute> start = new LinkedHashMap<>();
    start.put("pk", new Attribute("S", KeyTableLayout.partitionKey(keySet)));
    start.put("sk", new Attribute("S", startSk));
    JsonNode body = JSON.readTree(KeyStoreOverHttp.queryBody(table, keySet, start));
    assertThat(body.path("TableName").asText()).isEqualTo(table);
    assertThat(body.path("KeyConditionExpression").asText()).isEqualTo("#pk = :pk AND begins_with(#sk, :prefix)");
    assertThat(body.path("ExpressionAttributeNames").path("#pk").asText()).isEqualTo("pk");
    assertThat(body.path("ExpressionAttributeValues").path(":pk").path("S").asText()).isEqualTo("KEYSET#" + keySet);
    assertThat(body.path("ExpressionAttributeValues").path(":prefix").path("S").asText()).isEqualTo("KEY#");
    assertThat(body.path("ConsistentRead").asBoolean()).isTrue();
    assertThat(body.path("ExclusiveStartKey").path("sk").path("S").asText()).isEqualTo(startSk);
    assertThat(JSON.readTree(KeyStoreOverHttp.queryBody(table, keySet, null)).has("ExclusiveStartKey")).isFalse();
  }

  @Provide
  Arbitrary<String> names() {
    return Arbitraries.strings().ofMinLength(1).ofMaxLength(40);
  }

  @Example
  @Label("an answer's items, binary material and LastEvaluatedKey are read; other attribute types are tolerated")
  void readsAnswer() {
    String answer = "{\"Count\":1,\"Items\":[{\"pk\":{\"S\":\"KEYSET#s\"},\"sk\":{\"S\":\"KEY#k1\"},"
        + "\"material\":{\"B\":\"AAEC\"},\"notAfter\":{\"N\":\"42\"},\"tags\":{\"SS\":[\"a\",\"b\"]},"
        + "\"meta\":{\"M\":{\"x\":{\"BOOL\":true}}},\"gone\":{\"NULL\":true}}],"
        + "\"LastEvaluatedKey\":{\"pk\":{\"S\":\"KEYSET#s\"},\"sk\":{\"S\":\"KEY#k1\"}},\"ScannedCount\":1}";
    KeyStoreOverHttp.Page page = KeyStoreOverHttp.parse(answer.getBytes(StandardCharsets.UTF_8));
    assertThat(page.items()).hasSize(1);
    KeyTableLayout.ItemView item = KeyStoreOverHttp.view(page.items().get(0));
    assertThat(item.s("sk")).isEqualTo("KEY#k1");
    assertThat(item.b("material")).containsExactly(0, 1, 2);
    assertThat(item.n("notAfter")).isEqualTo("42");
    assertThat(item.s("notAfter")).as("a value of another type reads as absent").isNull();
    assertThat(item.s("tags")).isNull();
    assertThat(page.lastEvaluatedKey()).containsKeys("pk", "sk");
  }

  @Example
  @Label("an answer that is not DynamoDB JSON is an AwsCallException, not a parser error")
  void refusesGarbage() {
    for (String bad : new String[] {"", "[]", "{\"Items\":[{\"pk\":\"flat\"}]}", "{\"Items\":[", "<html>"}) {
      assertThatThrownBy(() -> KeyStoreOverHttp.parse(bad.getBytes(StandardCharsets.UTF_8)))
          .as(bad).isInstanceOf(AwsCallException.class);
    }
  }
}
