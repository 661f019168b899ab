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
import dev.edgeperimeter.shared.crypto.Base64Url;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Step 3: HMAC-SHA256 signature under the key the kid names")
class SignatureStep3Test {
  private final AuthorizerCore core = Cores.edge();

  private final String good = signed(Minter.claims("GET", "/orders/42"));

  @Test
  void validSignatureIsAccepted() {
    assertAllowed(decide(core, "GET", "/orders/42", good, null));
  }

  @Test
  void signatureStrippedIsBadSignature() {
    assertRejected(decide(core, "GET", "/orders/42", good.substring(0, good.lastIndexOf('.') + 1), null),
        Reason.BAD_SIGNATURE);
  }

  @Test
  void signatureTruncatedIsBadSignature() {
    String[] p = good.split("\\.");
    byte[] sig = Base64Url.decode(p[2]);
    byte[] shorter = java.util.Arrays.copyOf(sig, 16);
    assertRejected(decide(core, "GET", "/orders/42", p[0] + "." + p[1] + "." + Base64Url.encode(shorter), null),
        Reason.BAD_SIGNATURE);
  }

  @Test
  void everySingleBitFlipIsBadSignature() {
    String[] p = good.split("\\.");
    byte[] sig = Base64Url.decode(p[2]);
    for (int bit = 0; bit < sig.length * 8; bit++) {
      byte[] flipped = sig.clone();
      flipped[bit / 8] ^= (byte) (1 << (bit % 8));
      assertRejected(decide(core, "GET", "/orders/42", p[0] + "." + p[1] + "." + Base64Url.encode(flipped), null),
          Reason.BAD_SIGNATURE);
    }
  }

  @Test
  void signatureLongerThan32BytesIsBadSignature() {
    String[] p = good.split("\\.");
    byte[] sig = Base64Url.decode(p[2]);
    byte[] longer = java.util.Arrays.copyOf(sig, 33);
    assertRejected(decide(core, "GET", "/orders/42", p[0] + "." + p[1] + "." + Base64Url.encode(longer), null),
        Reason.BAD_SIGNATURE);
  }

  @Test
  void claimsChangedAfterSigningAreBadSignature() {
    String[] p = good.split("\\.");
    Map<String, Object> changed = Minter.claims("GET", "/admin");
    assertRejected(decide(core, "GET", "/admin", p[0] + "." + Minter.b64(Minter.json(changed)) + "." + p[2], null),
        Reason.BAD_SIGNATURE);
  }

  @Test
  void headerChangedAfterSigningIsBadSignature() {
    String[] p = good.split("\\.");
    Map<String, Object> h = Minter.header(MemoryKeys.CURRENT);
    h.put("x", "y");
    assertRejected(decide(core, "GET", "/orders/42", Minter.b64(Minter.json(h)) + "." + p[1] + "." + p[2], null),
        Reason.BAD_SIGNATURE);
  }

  @Test
  void signedWithAnotherAcceptedKeyIsBadSignature() {
    String a = Minter.sign(MemoryKeys.material(MemoryKeys.NEXT), Minter.header(MemoryKeys.CURRENT),
        Minter.claims("GET", "/orders/42"));
    assertRejected(decide(core, "GET", "/orders/42", a, null), Reason.BAD_SIGNATURE);
  }

  @Test
  void signatureIsCheckedBeforeClaims() {
    Map<String, Object> c = Minter.claims("GET", "/orders/42");
    c.put("iss", "someone-else");
    String a = Minter.sign(Minter.key("wrong"), Minter.header(MemoryKeys.CURRENT), c);
    assertRejected(decide(core, "GET", "/orders/42", a, null), Reason.BAD_SIGNATURE);
  }
}
