package dev.edgeperimeter.authorizer.usertoken;

import com.nimbusds.jose.util.Base64URL;
import java.nio.charset.StandardCharsets;

/**
 * One part of a compact JWS handed to Nimbus together with the bytes it decodes to. The verifier
 * has already decoded every part strictly ({@code Base64Url}: canonical, unpadded) and checked the
 * JSON parts as UTF-8, so Nimbus parses, selects keys and verifies over exactly these bytes instead
 * of decoding the same text a second time. The text itself is unchanged: Nimbus builds the signing
 * input from it, as for any parsed token.
 */
final class DecodedPart extends Base64URL {
  private static final long serialVersionUID = 1L;

  private final transient byte[] bytes;
  private final transient String utf8;

  /**
   * @param text  the part as it appears in the token
   * @param bytes what {@code text} decodes to
   * @param utf8  {@code bytes} as (strictly decoded) UTF-8 text, or {@code null} for the signature
   */
  DecodedPart(String text, byte[] bytes, String utf8) {
    super(text);
    this.bytes = bytes;
    this.utf8 = utf8;
  }

  @Override
  public byte[] decode() {
    return bytes.clone();
  }

  @Override
  public String decodeToString() {
    return utf8 != null ? utf8 : new String(bytes, StandardCharsets.UTF_8);
  }
}
