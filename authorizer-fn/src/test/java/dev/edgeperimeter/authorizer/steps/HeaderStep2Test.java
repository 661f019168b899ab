package dev.edgeperimeter.authorizer.steps;

import static dev.edgeperimeter.authorizer.support.Cores.assertAllowed;
import static dev.edgeperimeter.authorizer.support.Cores.assertRejected;
import static dev.edgeperimeter.authorizer.support.Cores.decide;

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

@DisplayName("Step 2: header rules (alg pinned to HS256, typ edge+jwt, no crit, kid names an accepted key)")
class HeaderStep2Test {
  private final AuthorizerCore core = Cores.edge();
  private final byte[] key = MemoryKeys.material(MemoryKeys.CURRENT);

  private String with(String member, Object value) {
    Map<String, Object> h = Minter.header(MemoryKeys.CURRENT);
    if (value == null) {
      h.remove(member);
    } else {
      h.put(member, value);
    }
    return Minter.sign(key, h, Minter.claims("GET", "/orders/42"));
  }

  @ParameterizedTest(name = "alg {0}")
  @ValueSource(strings = {"none", "None", "NONE", "nOnE", "HS384", "HS512", "hs256", "RS256", "ES256", "PS256", "", " HS256"})
  void anyAlgOtherThanHs256IsBadAlg(String alg) {
    assertRejected(decide(core, "GET", "/orders/42", with("alg", alg), null), Reason.BAD_ALG);
  }

  @Test
  void missingOrNonStringAlgIsBadAlg() {
    assertRejected(decide(core, "GET", "/orders/42", with("alg", null), null), Reason.BAD_ALG);
    assertRejected(decide(core, "GET", "/orders/42", with("alg", List.of("HS256")), null), Reason.BAD_ALG);
  }

  @ParameterizedTest(name = "typ {0}")
  @ValueSource(strings = {"JWT", "EDGE+JWT", "Edge+jwt", "edge+jwt ", "application/edge+jwt", ""})
  void anyTypOtherThanEdgeJwtIsBadTyp(String typ) {
    assertRejected(decide(core, "GET", "/orders/42", with("typ", typ), null), Reason.BAD_TYP);
  }

  @Test
  void missingTypIsBadTyp() {
    assertRejected(decide(core, "GET", "/orders/42", with("typ", null), null), Reason.BAD_TYP);
  }

  @Test
  void anyCritIsRejected() {
    assertRejected(decide(core, "GET", "/orders/42", with("crit", List.of("exp")), null), Reason.CRIT);
    assertRejected(decide(core, "GET", "/orders/42", with("crit", List.of()), null), Reason.CRIT);
  }

  @Test
  void jkuJwkX5uX5cAreIgnored() {
    Map<String, Object> h = Minter.header(MemoryKeys.CURRENT);
    h.put("jku", "https://attacker.example/jwks.json");
    h.put("jwk", Map.of("kty", "oct", "k", "AAAA"));
    h.put("x5u", "https://attacker.example/cert.pem");
    h.put("x5c", List.of("MIIB"));
    assertAllowed(decide(core, "GET", "/orders/42", Minter.sign(key, h, Minter.claims("GET", "/orders/42")), null));
  }

  @ParameterizedTest(name = "kid {0}")
  @ValueSource(strings = {"nope", "../../etc/passwd", "' OR '1'='1", "k-2026-11.cur' --", "KEY#k-2026-11.cur",
      "k-2026-11.cur\u0000", "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk", "k-2026-11.CUR"})
  void unknownOrIllFormedKidIsUnknownKid(String kid) {
    assertRejected(decide(core, "GET", "/orders/42", with("kid", kid), null), Reason.UNKNOWN_KID);
  }

  @Test
  void missingOrNonStringKidIsUnknownKid() {
    assertRejected(decide(core, "GET", "/orders/42", with("kid", null), null), Reason.UNKNOWN_KID);
    assertRejected(decide(core, "GET", "/orders/42", with("kid", 7), null), Reason.UNKNOWN_KID);
  }

  @Test
  void headerRulesComeInContractOrder() {
    Map<String, Object> h = Minter.header("nope");
    h.put("alg", "none");
    h.put("typ", "JWT");
    h.put("crit", List.of("x"));
    String claims = Minter.json(Minter.claims("GET", "/orders/42"));
    assertRejected(decide(core, "GET", "/orders/42", Minter.signRaw(key, Minter.json(h), claims), null), Reason.BAD_ALG);
    h.put("alg", "HS256");
    assertRejected(decide(core, "GET", "/orders/42", Minter.signRaw(key, Minter.json(h), claims), null), Reason.BAD_TYP);
    h.put("typ", "edge+jwt");
    assertRejected(decide(core, "GET", "/orders/42", Minter.signRaw(key, Minter.json(h), claims), null), Reason.CRIT);
    h.remove("crit");
    assertRejected(decide(core, "GET", "/orders/42", Minter.signRaw(key, Minter.json(h), claims), null), Reason.UNKNOWN_KID);
  }

  @Test
  void headerMemberOrderDoesNotMatter() {
    String header = "{\"kid\":\"" + MemoryKeys.CURRENT + "\",\"typ\":\"edge+jwt\",\"alg\":\"HS256\"}";
    assertAllowed(decide(core, "GET", "/orders/42",
        Minter.signRaw(key, header, Minter.json(Minter.claims("GET", "/orders/42"))), null));
  }
}
