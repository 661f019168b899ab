package dev.edgeperimeter.authorizer.steps;

import static dev.edgeperimeter.authorizer.support.Cores.assertAllowed;
import static dev.edgeperimeter.authorizer.support.Cores.assertRejected;
import static dev.edgeperimeter.authorizer.support.Cores.decide;
import static dev.edgeperimeter.authorizer.support.Cores.signed;

import dev.edgeperimeter.authorizer.core.AuthorizerCore;
import dev.edgeperimeter.authorizer.core.Reason;
import dev.edgeperimeter.authorizer.support.Cores;
import dev.edgeperimeter.authorizer.support.MemoryKeys;
import dev.edgeperimeter.authorizer.support.Minter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("Step 1: structure (present, size, three strict base64url parts, JSON objects, typed claims)")
class StructureStep1Test {
  private final AuthorizerCore core = Cores.edge();
  private final byte[] key = MemoryKeys.material(MemoryKeys.CURRENT);

  private String raw(String header, String claims) {
    return Minter.signRaw(key, header, claims);
  }

  private String validHeader() {
    return Minter.json(Minter.header(MemoryKeys.CURRENT));
  }

  private String claimsWith(String member, Object value) {
    Map<String, Object> c = Minter.claims("GET", "/orders/42");
    if (value == null) {
      c.remove(member);
    } else {
      c.put(member, value);
    }
    return Minter.json(c);
  }

  @Test
  void aValidAssertionIsAccepted() {
    assertAllowed(decide(core, "GET", "/orders/42", signed(Minter.claims("GET", "/orders/42")), null));
  }

  @Test
  void anAbsentHeaderIsMissing() {
    assertRejected(decide(core, "GET", "/orders/42", null, null), Reason.MISSING);
  }

  @Test
  void anEmptyHeaderIsMissing() {
    assertRejected(decide(core, "GET", "/orders/42", "", null), Reason.MISSING);
  }

  @Test
  void exactly4096BytesIsAcceptedAnd4097IsTooLarge() {
    boolean at4096 = false;
    boolean at4097 = false;
    for (int n = 2800; n < 3200 && !(at4096 && at4097); n++) {
      Map<String, Object> c = Minter.claims("GET", "/orders/42");
      c.put("pad", "x".repeat(n));
      String a = signed(c);
      if (a.length() == 4096) {
        assertAllowed(decide(core, "GET", "/orders/42", a, null));
        at4096 = true;
      } else if (a.length() == 4097) {
        assertRejected(decide(core, "GET", "/orders/42", a, null), Reason.TOO_LARGE);
        at4097 = true;
      }
    }
    org.assertj.core.api.Assertions.assertThat(at4096 && at4097).as("both boundary lengths were produced").isTrue();
  }

  @Test
  void over4KiBIsTooLarge() {
    Map<String, Object> c = Minter.claims("GET", "/orders/42");
    c.put("pad", "x".repeat(4000));
    assertRejected(decide(core, "GET", "/orders/42", signed(c), null), Reason.TOO_LARGE);
  }

  @Test
  void multiByteCharactersCountAsBytes() {
    assertRejected(decide(core, "GET", "/orders/42", "é".repeat(2100), null), Reason.TOO_LARGE);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"abc", "a.b", "a.b.c.d", "..", "...", ".a.b", "a..b"})
  void wrongNumberOfPartsOrEmptyPartsAreMalformed(String value) {
    assertRejected(decide(core, "GET", "/orders/42", value, null), Reason.MALFORMED);
  }

  @Test
  void paddingIsMalformed() {
    String a = signed(Minter.claims("GET", "/orders/42"));
    String[] p = a.split("\\.");
    assertRejected(decide(core, "GET", "/orders/42", p[0] + "==." + p[1] + "." + p[2], null), Reason.MALFORMED);
    assertRejected(decide(core, "GET", "/orders/42", p[0] + "." + p[1] + "." + p[2] + "=", null), Reason.MALFORMED);
  }

  @Test
  void standardBase64AlphabetIsMalformed() {
    String a = signed(Minter.claims("GET", "/orders/42"));
    String[] p = a.split("\\.");
    assertRejected(decide(core, "GET", "/orders/42", p[0] + "." + p[1] + "+/." + p[2], null), Reason.MALFORMED);
  }

  @Test
  void nonCanonicalTrailingBitsAreMalformed() {
    String a = signed(Minter.claims("GET", "/orders/42"));
    String[] p = a.split("\\.");
    // 32-byte signature: 43 chars, the last one carries 2 unused bits
    char last = p[2].charAt(42);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    char tweaked = alphabet.charAt(alphabet.indexOf(last) | 1);
    if (tweaked != last) {
      assertRejected(decide(core, "GET", "/orders/42", p[0] + "." + p[1] + "." + p[2].substring(0, 42) + tweaked, null),
          Reason.MALFORMED);
    }
  }

  @ParameterizedTest(name = "header {0}")
  @ValueSource(strings = {"not json", "[1,2]", "\"alg\"", "null", "42", "{", "{}{}", "{} x",
      "{\"alg\":\"HS256\",\"alg\":\"HS256\",\"typ\":\"edge+jwt\",\"kid\":\"k-2026-11.cur\"}"})
  void headerThatIsNotOneJsonObjectIsMalformed(String header) {
    assertRejected(decide(core, "GET", "/orders/42", raw(header, claimsWith("x", "y")), null), Reason.MALFORMED);
  }

  @ParameterizedTest(name = "claims {0}")
  @ValueSource(strings = {"not json", "[1,2]", "\"iss\"", "null", "{}", "{\"iss\":\"a\"}{}"})
  void claimsThatAreNotOneJsonObjectAreMalformed(String claims) {
    assertRejected(decide(core, "GET", "/orders/42", raw(validHeader(), claims), null), Reason.MALFORMED);
  }

  @Test
  void duplicateClaimIsMalformed() {
    String claims = claimsWith("x", "y").replace("{\"iss\"", "{\"htu\":\"/admin\",\"iss\"");
    assertRejected(decide(core, "GET", "/orders/42", raw(validHeader(), claims), null), Reason.MALFORMED);
  }

  @Test
  void deeplyNestedJsonIsMalformed() {
    String deep = "[".repeat(200) + "]".repeat(200);
    String claims = claimsWith("x", "y").replace("\"x\":\"y\"", "\"x\":" + deep);
    assertRejected(decide(core, "GET", "/orders/42", raw(validHeader(), claims), null), Reason.MALFORMED);
  }

  @Test
  void invalidUtf8IsMalformed() {
    String claims = "{\"iss\":\"" + new String(new byte[] {(byte) 0xC3, (byte) 0x28}, java.nio.charset.StandardCharsets.ISO_8859_1) + "\"}";
    String a = Minter.b64(validHeader()) + "." + dev.edgeperimeter.shared.crypto.Base64Url.encode(
        claims.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)) + ".AAAA";
    assertRejected(decide(core, "GET", "/orders/42", a, null), Reason.MALFORMED);
  }

  @ParameterizedTest(name = "missing {0}")
  @ValueSource(strings = {"iss", "aud", "iat", "exp", "jti", "htm", "htu"})
  void everyRequiredClaimMustBePresent(String claim) {
    assertRejected(decide(core, "GET", "/orders/42", raw(validHeader(), claimsWith(claim, null)), null), Reason.MALFORMED);
  }

  @ParameterizedTest(name = "{0} as a number")
  @ValueSource(strings = {"iss", "aud", "jti", "htm", "htu", "ath", "sub", "scope"})
  void stringClaimsMustBeStrings(String claim) {
    assertRejected(decide(core, "GET", "/orders/42", raw(validHeader(), claimsWith(claim, 42)), null), Reason.MALFORMED);
  }

  @ParameterizedTest(name = "{0} wrongly typed")
  @ValueSource(strings = {"iat", "exp"})
  void timesMustBeIntegers(String claim) {
    assertRejected(decide(core, "GET", "/orders/42", raw(validHeader(), claimsWith(claim, "1795600000")), null),
        Reason.MALFORMED);
    assertRejected(decide(core, "GET", "/orders/42", raw(validHeader(), claimsWith(claim, 1795600000.5)), null),
        Reason.MALFORMED);
    assertRejected(decide(core, "GET", "/orders/42",
        raw(validHeader(), claimsWith(claim, null).replace("{", "{\"" + claim + "\":1e400,")), null), Reason.MALFORMED);
    assertRejected(decide(core, "GET", "/orders/42",
        raw(validHeader(), claimsWith(claim, null).replace("{", "{\"" + claim + "\":99999999999999999999999,")), null),
        Reason.MALFORMED);
  }

  @Test
  void epcMustBeAnArrayOfStrings() {
    assertRejected(decide(core, "GET", "/orders/42", raw(validHeader(), claimsWith("epc", "jwt")), null), Reason.MALFORMED);
    assertRejected(decide(core, "GET", "/orders/42", raw(validHeader(), claimsWith("epc", List.of("jwt", 1))), null),
        Reason.MALFORMED);
    assertAllowed(decide(core, "GET", "/orders/42", raw(validHeader(), claimsWith("epc", List.of("jwt", "rate"))), null));
  }

  @Test
  void nullForAClaimIsMalformed() {
    String claims = claimsWith("x", "y").replace("\"x\":\"y\"", "\"sub\":null");
    assertRejected(decide(core, "GET", "/orders/42", raw(validHeader(), claims), null), Reason.MALFORMED);
  }

  @Test
  void jtiLongerThan128IsMalformed() {
    assertRejected(decide(core, "GET", "/orders/42", raw(validHeader(), claimsWith("jti", "j".repeat(129))), null),
        Reason.MALFORMED);
    assertAllowed(decide(core, "GET", "/orders/42", raw(validHeader(), claimsWith("jti", "j".repeat(128))), null));
  }

  @Test
  void structureIsCheckedBeforeTheHeaderRules() {
    String header = Minter.json(Map.of("alg", "none"));
    assertRejected(decide(core, "GET", "/orders/42", raw(header, claimsWith("jti", null)), null), Reason.MALFORMED);
  }
}
