package dev.edgeperimeter.shared.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

/** {@link HmacSha256} is the JCA's {@code HmacSHA256}, for every key length and message. */
@Label("HMAC-SHA256 without the JCE: identical to javax.crypto.Mac")
class HmacSha256Properties {

  private static byte[] jca(byte[] key, byte[] data) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(data);
  }

  @Property(tries = 1000)
  @Label("same MAC as the JCA for keys of 1..200 bytes (shorter, equal to and longer than a block)")
  void sameAsJca(@ForAll @Size(min = 1, max = 200) byte[] key, @ForAll @Size(max = 1000) byte[] data) throws Exception {
    HmacSha256 hmac = new HmacSha256(key);
    assertThat(hmac.mac(data)).isEqualTo(jca(key, data));
    assertThat(hmac.mac(data)).as("reusable").isEqualTo(jca(key, data));
    assertThat(hmac.verify(data, jca(key, data))).isTrue();
  }

  @Property(tries = 200)
  @Label("a MAC over a slice equals the MAC of the copied slice")
  void slices(@ForAll @Size(min = 1, max = 80) byte[] key, @ForAll @Size(min = 2, max = 300) byte[] data) throws Exception {
    int from = data.length / 3;
    int to = data.length - data.length / 4;
    byte[] slice = java.util.Arrays.copyOfRange(data, from, to);
    assertThat(new HmacSha256(key).mac(data, from, to - from)).isEqualTo(jca(key, slice));
  }

  @Example
  @Label("RFC 4231 test case 2 (key \"Jefe\")")
  void rfc4231() {
    byte[] mac = HmacSha256.mac("Jefe".getBytes(StandardCharsets.US_ASCII),
        "what do ya want for nothing?".getBytes(StandardCharsets.US_ASCII));
    assertThat(HexFormat.of().formatHex(mac))
        .isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  }

  @Example
  @Label("verify refuses a wrong, truncated or missing MAC")
  void verifyRefuses() {
    HmacSha256 hmac = new HmacSha256(new byte[32]);
    byte[] good = hmac.mac(new byte[] {1, 2, 3});
    byte[] bad = good.clone();
    bad[31] ^= 1;
    assertThat(hmac.verify(new byte[] {1, 2, 3}, bad)).isFalse();
    assertThat(hmac.verify(new byte[] {1, 2, 3}, java.util.Arrays.copyOf(good, 16))).isFalse();
    assertThat(hmac.verify(new byte[] {1, 2, 3}, null)).isFalse();
  }
}
