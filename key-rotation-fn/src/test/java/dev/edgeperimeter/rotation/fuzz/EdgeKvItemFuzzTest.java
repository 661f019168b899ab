package dev.edgeperimeter.rotation.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.edgeperimeter.rotation.edge.KeyWrapper;
import java.util.Arrays;

/**
 * The EdgeKV key item's {@code k} field (docs/WIRE-DETAILS.md) as the edge unwraps it. The
 * documented outcomes: the material, when {@code k} was wrapped under this wrapping key for this
 * {@code kid}; otherwise {@link IllegalArgumentException} (malformed, too short, or not
 * authentic). Anything else (another exception, or material from a forged or moved {@code k}) is
 * a finding.
 */
class EdgeKvItemFuzzTest {
  private static final byte[] WRAPPING_KEY = bytes(32, 7);
  private static final String KID = "2026-11.k7QxAbCdEfGh";
  private static final byte[] MATERIAL = bytes(32, 42);
  /** A genuine {@code k} for {@link #KID}, which the fuzzer mutates. */
  private static final String GENUINE = KeyWrapper.wrap(WRAPPING_KEY, KID, MATERIAL);

  /** Arbitrary {@code kid} and {@code k} text: only IllegalArgumentException, never material. */
  @FuzzTest(maxDuration = "10m")
  void arbitraryItemFields(FuzzedDataProvider data) {
    String kid = data.consumeString(64);
    String k = data.consumeRemainingAsString();
    byte[] material;
    try {
      material = KeyWrapper.unwrap(WRAPPING_KEY, kid, k);
    } catch (IllegalArgumentException rejected) {
      return;
    }
    assertThat(kid).as("only the genuine k for its own kid unwraps").isEqualTo(KID);
    assertThat(material).isEqualTo(MATERIAL);
  }

  /**
   * A genuine {@code k} with bytes flipped or cut, or presented under another {@code kid}: it
   * unwraps to the original material only when nothing was changed.
   */
  @FuzzTest(maxDuration = "10m")
  void tamperedGenuineItem(FuzzedDataProvider data) {
    char[] k = GENUINE.toCharArray();
    int edits = data.consumeInt(0, 4);
    for (int i = 0; i < edits; i++) {
      k[data.consumeInt(0, k.length - 1)] = data.consumeChar();
    }
    String tampered = new String(k, 0, data.consumeInt(0, k.length));
    String kid = data.consumeBoolean() ? KID : data.consumeRemainingAsString();
    try {
      byte[] material = KeyWrapper.unwrap(WRAPPING_KEY, kid, tampered);
      assertThat(material).isEqualTo(MATERIAL);
      assertThat(kid).isEqualTo(KID);
      assertThat(base64Equivalent(tampered, GENUINE)).as("unwrapped %s", tampered).isTrue();
    } catch (IllegalArgumentException rejected) {
      // the documented rejection
    }
  }

  /**
   * Unpadded base64url has no slack except in the last character's low bits; a lenient decoder
   * may accept those. Equal decoded bytes are the same {@code k}.
   */
  private static boolean base64Equivalent(String a, String b) {
    try {
      return Arrays.equals(java.util.Base64.getUrlDecoder().decode(a), java.util.Base64.getUrlDecoder().decode(b));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static byte[] bytes(int length, int seed) {
    byte[] b = new byte[length];
    for (int i = 0; i < length; i++) {
      b[i] = (byte) (seed * 31 + i);
    }
    return b;
  }
}
