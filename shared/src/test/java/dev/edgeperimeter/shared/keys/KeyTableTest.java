package dev.edgeperimeter.shared.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class KeyTableTest {
  private static final KeyRecord KEY = new KeyRecord("edge-origin", "2026-11.abc", "HS256", KeyState.CURRENT,
      new byte[] {1, 2, 3}, Instant.parse("2026-11-01T03:00:00Z"), Optional.of(Instant.parse("2026-11-01T03:00:05Z")),
      Optional.empty(), 1_800_000_000L, Optional.empty(), 3);

  @Test
  @DisplayName("items carry the contract's attributes: pk KEYSET#<name>, sk KEY#<kid>, binary material, version")
  void itemLayout() {
    Map<String, AttributeValue> item = KeyTable.toItem(KEY);
    assertThat(item.get("pk").s()).isEqualTo("KEYSET#edge-origin");
    assertThat(item.get("sk").s()).isEqualTo("KEY#2026-11.abc");
    assertThat(item.get("state").s()).isEqualTo("CURRENT");
    assertThat(item.get("material").b().asByteArray()).containsExactly(1, 2, 3);
    assertThat(item.get("notAfter").n()).isEqualTo("1800000000");
    assertThat(item.get("version").n()).isEqualTo("3");
    assertThat(item).doesNotContainKeys("retiredAt", "expiresAt");
    assertThat(KeyTable.fromItem("edge-origin", item)).get().usingRecursiveComparison().isEqualTo(KEY);
  }

  @Test
  @DisplayName("malformed rows are ignored, never trusted: bad kid, sk not matching kid, no material, unknown state")
  void malformedRows() {
    Map<String, AttributeValue> badKid = new HashMap<>(KeyTable.toItem(KEY));
    badKid.put("kid", AttributeValue.fromS("../etc"));
    assertThat(KeyTable.fromItem("edge-origin", badKid)).isEmpty();
    Map<String, AttributeValue> otherSk = new HashMap<>(KeyTable.toItem(KEY));
    otherSk.put("sk", AttributeValue.fromS("KEY#other"));
    assertThat(KeyTable.fromItem("edge-origin", otherSk)).isEmpty();
    Map<String, AttributeValue> noMaterial = new HashMap<>(KeyTable.toItem(KEY));
    noMaterial.remove("material");
    assertThat(KeyTable.fromItem("edge-origin", noMaterial)).isEmpty();
    Map<String, AttributeValue> oddState = new HashMap<>(KeyTable.toItem(KEY));
    oddState.put("state", AttributeValue.fromS("ACTIVE"));
    assertThat(KeyTable.fromItem("edge-origin", oddState)).get().satisfies(k -> {
      assertThat(k.state()).isNull();
      assertThat(k.acceptedAt(0)).isFalse();
    });
  }

  @Test
  @DisplayName("accepted states are NEXT, CURRENT, PREVIOUS, and only up to notAfter")
  void acceptance() {
    for (KeyState s : KeyState.values()) {
      KeyRecord k = KEY.withState(s);
      assertThat(k.acceptedAt(1_800_000_000L)).as(s.name()).isEqualTo(s.acceptedByOrigin());
      assertThat(k.acceptedAt(1_800_000_001L)).as(s + " past notAfter").isFalse();
    }
    assertThat(KEY.toString()).doesNotContain("material");
  }

  @Test
  @DisplayName("key ids: 1-64 of [A-Za-z0-9._-]")
  void keyIds() {
    assertThat(KeyId.isValid("public-2026-11.a1")).isTrue();
    assertThat(KeyId.isValid("a".repeat(64))).isTrue();
    assertThat(KeyId.isValid("a".repeat(65))).isFalse();
    assertThat(KeyId.isValid("")).isFalse();
    assertThat(KeyId.isValid("x' OR '1'='1")).isFalse();
    assertThat(KeyId.isValid("../../etc/passwd")).isFalse();
  }
}
