package dev.edgeperimeter.authorizer.property;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgeperimeter.authorizer.assertion.StrictBase64Url;
import dev.edgeperimeter.shared.crypto.Base64Url;
import java.util.Base64;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.StringLength;

/** The verifier's one-pass base64url decoder agrees with the JDK on canonical input and refuses the rest. */
class StrictBase64UrlPropertyTest {

  @Property(tries = 2000)
  void roundTripsEveryByteString(@ForAll byte[] bytes) {
    String encoded = Base64Url.encode(bytes);
    assertThat(StrictBase64Url.decode(encoded, 0, encoded.length())).isEqualTo(bytes);
    String framed = "x." + encoded + ".y";
    assertThat(StrictBase64Url.decode(framed, 2, 2 + encoded.length())).isEqualTo(bytes);
  }

  @Property(tries = 3000)
  void acceptsExactlyTheCanonicalEncodings(@ForAll @StringLength(max = 12)
      @Chars({'A', 'B', 'Q', 'g', 'w', 'z', '0', '9', '-', '_', '=', '+', '/', '.'}) @CharRange(from = 'a', to = 'c') String s) {
    byte[] decoded = StrictBase64Url.decode(s, 0, s.length());
    boolean jdkCanonical;
    try {
      byte[] jdk = Base64.getUrlDecoder().decode(s);
      jdkCanonical = s.indexOf('=') < 0 && Base64Url.encode(jdk).equals(s);
    } catch (IllegalArgumentException e) {
      jdkCanonical = false;
    }
    assertThat(decoded != null).as("'%s'", s).isEqualTo(jdkCanonical);
  }
}
