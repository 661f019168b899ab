package dev.edgeperimeter.authorizer.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.edgeperimeter.authorizer.assertion.EdgeAssertionVerifier;
import dev.edgeperimeter.authorizer.assertion.VerifiedAssertion;
import dev.edgeperimeter.authorizer.core.Reason;
import dev.edgeperimeter.authorizer.core.Rejection;
import dev.edgeperimeter.authorizer.support.Cores;
import dev.edgeperimeter.authorizer.support.MemoryKeys;
import dev.edgeperimeter.authorizer.support.Minter;
import dev.edgeperimeter.testsupport.MutableClock;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Set;

/**
 * The edge-assertion verifier (contract steps 1-6) on arbitrary input. The documented outcomes:
 * a verified assertion, or a {@link Rejection} with one of the contract's reason codes (the
 * memory key set never makes {@code keys_unavailable}). Nothing else, and no success for anything
 * but a genuinely signed assertion for this method and path.
 */
class EdgeAssertionFuzzTest {
  private static final Set<Reason> CONTRACT_REASONS = EnumSet.range(Reason.MISSING, Reason.ATH_MISMATCH);
  private static final MutableClock CLOCK = MutableClock.at(Minter.NOW);
  private static final EdgeAssertionVerifier VERIFIER = Cores.verifier(MemoryKeys.standard(), CLOCK);
  private static final String GENUINE = Cores.signed(Minter.claims("GET", "/orders/42"));

  /** Arbitrary assertion text, method, path and ath: only the genuine assertion verifies. */
  @FuzzTest(maxDuration = "10m")
  void arbitraryAssertion(FuzzedDataProvider data) {
    String method = data.consumeBoolean() ? "GET" : data.consumeString(8);
    String path = data.consumeBoolean() ? "/orders/42" : data.consumeString(64);
    String ath = data.consumeBoolean() ? null : data.consumeString(64);
    String assertion = data.consumeRemainingAsString();
    VerifiedAssertion verified = verify(assertion, method, path, ath);
    if (verified != null) {
      assertThat(sameBytes(assertion, GENUINE)).as("only the genuine assertion verifies: %s", assertion).isTrue();
      assertThat(method).isEqualTo("GET");
      assertThat(path).isEqualTo("/orders/42");
    }
  }

  /**
   * Arbitrary header and claims text signed with the CURRENT key: the JSON readers and every
   * claim rule. A success names the configured issuer and the key's kid.
   */
  @FuzzTest(maxDuration = "10m")
  void signedArbitraryJson(FuzzedDataProvider data) {
    String header = data.consumeBoolean() ? Minter.json(Minter.header(MemoryKeys.CURRENT)) : data.consumeString(300);
    String claims = data.consumeRemainingAsString();
    String assertion = Minter.signRaw(MemoryKeys.material(MemoryKeys.CURRENT), header, claims);
    VerifiedAssertion verified = verify(assertion, "GET", "/orders/42", null);
    if (verified != null) {
      assertThat(verified.kid()).isEqualTo(MemoryKeys.CURRENT);
      assertThat(verified.iss()).isEqualTo(Minter.ISSUER);
    }
  }

  private static VerifiedAssertion verify(String assertion, String method, String path, String ath) {
    try {
      return VERIFIER.verify(assertion, method, path, ath);
    } catch (Rejection rejected) {
      assertThat(rejected.reason()).as("a contract reason code").isIn(CONTRACT_REASONS);
      return null;
    }
  }

  /** The same three base64url parts as bytes (a lenient decoder may accept other spellings). */
  private static boolean sameBytes(String a, String b) {
    String[] pa = a.split("\\.", -1);
    String[] pb = b.split("\\.", -1);
    if (pa.length != 3 || pb.length != 3) {
      return false;
    }
    try {
      for (int i = 0; i < 3; i++) {
        if (!java.util.Arrays.equals(Base64.getUrlDecoder().decode(pa[i]), Base64.getUrlDecoder().decode(pb[i]))) {
          return false;
        }
      }
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
