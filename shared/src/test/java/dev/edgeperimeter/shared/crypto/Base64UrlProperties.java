package dev.edgeperimeter.shared.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.StringLength;

class Base64UrlProperties {
  @Property
  void encodeDecodeRoundTrips(@ForAll byte[] bytes) {
    String text = Base64Url.encode(bytes);
    assertThat(Base64Url.isStrict(text, 0, text.length())).isTrue();
    assertThat(Base64Url.decode(text)).isEqualTo(bytes);
  }

  @Property
  void rangesInsideALargerStringDecodeAlone(@ForAll byte[] bytes) {
    String text = Base64Url.encode(bytes);
    String framed = "x." + text + ".y";
    assertThat(Base64Url.decodeOrNull(framed, 2, 2 + text.length())).isEqualTo(bytes);
  }

  /**
   * Accepted exactly when the JDK's URL decoder takes it without padding AND re-encoding gives the
   * same text: the JDK ignores non-zero unused trailing bits ({@code "YR"} decodes like {@code "YQ"}),
   * we refuse them, so every byte string has one accepted encoding.
   */
  @Property(tries = 3000)
  void acceptsExactlyTheCanonicalJdkEncodings(@ForAll String text) {
    assertAcceptsExactlyCanonical(text);
  }

  /** The same over a small alphabet, so valid and near-valid strings are common. */
  @Property(tries = 3000)
  void acceptsExactlyTheCanonicalJdkEncodingsNearTheAlphabet(@ForAll @StringLength(max = 12)
      @Chars({'A', 'B', 'Q', 'g', 'w', 'z', '0', '9', '-', '_', '=', '+', '/', '.'}) @CharRange(from = 'a', to = 'c')
      String text) {
    assertAcceptsExactlyCanonical(text);
  }

  private static void assertAcceptsExactlyCanonical(String text) {
    byte[] jdk;
    try {
      jdk = text.indexOf('=') < 0 ? Base64.getUrlDecoder().decode(text) : null;
    } catch (IllegalArgumentException e) {
      jdk = null;
    }
    boolean canonical = jdk != null && Base64Url.encode(jdk).equals(text);
    assertThat(Base64Url.isStrict(text, 0, text.length())).as("'%s'", text).isEqualTo(canonical);
    if (canonical) {
      assertThat(Base64Url.decode(text)).isEqualTo(jdk);
    } else {
      assertThat(Base64Url.decodeOrNull(text, 0, text.length())).isNull();
      assertThatThrownBy(() -> Base64Url.decode(text)).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Example
  void paddingAndStandardAlphabetAreRefused() {
    assertThat(Base64Url.isStrict("YQ==", 0, 4)).isFalse();
    assertThat(Base64Url.isStrict("a+b/", 0, 4)).isFalse();
    assertThat(Base64Url.isStrict("a", 0, 1)).isFalse();
    assertThat(Base64Url.isStrict("YQ", 0, 2)).isTrue();
    assertThat(Base64Url.isStrict("", 0, 0)).isTrue();
  }

  @Example
  void nonCanonicalTrailingBitsAreRefused() {
    assertThat(Base64.getUrlDecoder().decode("YR")).isEqualTo(Base64.getUrlDecoder().decode("YQ"));
    assertThat(Base64Url.isStrict("YR", 0, 2)).isFalse();
    assertThat(Base64Url.isStrict("YWI", 0, 3)).isTrue();
    assertThat(Base64Url.isStrict("YWJ", 0, 3)).isFalse();
    assertThatThrownBy(() -> Base64Url.decode("YR")).isInstanceOf(IllegalArgumentException.class);
  }

  @Example
  void outOfBoundsRangesAreRefused() {
    assertThat(Base64Url.decodeOrNull("YWJj", -1, 4)).isNull();
    assertThat(Base64Url.decodeOrNull("YWJj", 0, 5)).isNull();
    assertThat(Base64Url.decodeOrNull("YWJj", 3, 2)).isNull();
  }
}
