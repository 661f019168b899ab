package dev.edgeperimeter.shared.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import net.jqwik.api.ForAll;
import net.jqwik.api.Example;
import net.jqwik.api.Property;

class Base64UrlProperties {
  @Property
  void encodeDecodeRoundTrips(@ForAll byte[] bytes) {
    String text = Base64Url.encode(bytes);
    assertThat(Base64Url.isStrict(text, 0, text.length())).isTrue();
    assertThat(Base64Url.decode(text)).isEqualTo(bytes);
  }

  @Property
  void anythingAcceptedDecodesLikeTheJdk(@ForAll String text) {
    if (Base64Url.isStrict(text, 0, text.length())) {
      assertThat(Base64Url.decode(text)).isEqualTo(Base64.getUrlDecoder().decode(text));
    } else {
      assertThatThrownBy(() -> Base64Url.decode(text)).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Example
  void paddingAndStandardAlphabetAreRefused() {
    assertThat(Base64Url.isStrict("YQ==", 0, 4)).isFalse();
    assertThat(Base64Url.isStrict("a+b/", 0, 4)).isFalse();
    assertThat(Base64Url.isStrict("a", 0, 1)).isFalse();
    assertThat(Base64Url.isStrict("YQ", 0, 2)).isTrue();
  }
}
