package dev.edgeperimeter.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgeperimeter.shared.crypto.Base64Url;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The Java test signer produces the contract vectors' assertions byte for byte. */
class EdgeAssertionSignerTest {
  private static final String ISSUER = "akamai-edgeworker:1234567";

  @Test
  @DisplayName("reproduces the 'minimal' vector exactly")
  void minimalVector() throws Exception {
    String expected = assertionOf("minimal");
    byte[] key = Base64Url.decode("SbuNOCK7uGtEK1PsOCMS1llv8j5aNjpfXS-XRMrq4Y0");
    String actual = EdgeAssertionSigner.sign("public-2026-11.a1", key,
        new EdgeAssertionSigner.Claims(ISSUER, "orders-api", 1795599995L, 1795600055L, "req-0001", "GET",
            "/orders/42", null, null, null, null));
    assertThat(actual).isEqualTo(expected);
  }

  @Test
  @DisplayName("reproduces the 'bearer_with_ath_sub_scope' vector exactly (ath, sub, scope, epc)")
  void bearerVector() throws Exception {
    String expected = assertionOf("bearer_with_ath_sub_scope");
    byte[] key = Base64Url.decode("SbuNOCK7uGtEK1PsOCMS1llv8j5aNjpfXS-XRMrq4Y0");
    String actual = EdgeAssertionSigner.sign("public-2026-11.a1", key,
        new EdgeAssertionSigner.Claims(ISSUER, "orders-api", 1795599995L, 1795600055L, "req-0001", "GET",
            "/orders/42", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2ln", "alice",
            "orders:read orders:write", List.of("jwt", "rate")));
    assertThat(actual).isEqualTo(expected);
  }

  private static String assertionOf(String name) throws Exception {
    Path vectors = SamTemplate.locate().getParent().resolve("spec/edge-assertion-v1-vectors.json");
    String json = Files.readString(vectors);
    Matcher m = Pattern.compile("\"name\": \"" + name + "\".*?\"assertion\": \"([^\"]+)\"", Pattern.DOTALL).matcher(json);
    assertThat(m.find()).isTrue();
    return m.group(1);
  }
}
