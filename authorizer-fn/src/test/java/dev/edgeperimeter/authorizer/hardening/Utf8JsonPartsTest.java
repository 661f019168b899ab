package dev.edgeperimeter.authorizer.hardening;

import static dev.edgeperimeter.authorizer.support.Cores.assertAllowed;
import static dev.edgeperimeter.authorizer.support.Cores.assertRejected;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import dev.edgeperimeter.authorizer.core.AuthRequest;
import dev.edgeperimeter.authorizer.core.AuthorizerConfig.TokenUse;
import dev.edgeperimeter.authorizer.core.AuthorizerCore;
import dev.edgeperimeter.authorizer.core.Reason;
import dev.edgeperimeter.authorizer.policy.RouteScopes;
import dev.edgeperimeter.authorizer.support.Cores;
import dev.edgeperimeter.authorizer.support.LocalIssuer;
import dev.edgeperimeter.authorizer.support.MemoryKeys;
import dev.edgeperimeter.authorizer.support.Minter;
import dev.edgeperimeter.authorizer.usertoken.UserTokenVerifier;
import dev.edgeperimeter.shared.crypto.Base64Url;
import dev.edgeperimeter.testsupport.MutableClock;
import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * RFC 8725 section 3.7: the JSON parts of the edge assertion and of the user token are UTF-8 and
 * nothing else. The same JSON in UTF-16, UTF-32, behind a UTF-8 byte-order mark, or as invalid UTF-8
 * is {@code malformed} (assertion) or {@code user_token_invalid} (user token), even though each is
 * properly signed: only the encoding is wrong.
 */
@DisplayName("Hardening: the JSON parts of the assertion and of the user token must be UTF-8")
class Utf8JsonPartsTest {
  private static final long NOW = Minter.NOW;
  private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

  /** JSON text to the bytes of one wrong encoding. */
  private record Encoding(String name, Function<String, byte[]> encode) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Encoding> wrongEncodings() {
    return Stream.of(
        new Encoding("UTF-16 with BOM", json -> json.getBytes(StandardCharsets.UTF_16)),
        new Encoding("UTF-16LE", json -> json.getBytes(StandardCharsets.UTF_16LE)),
        new Encoding("UTF-16BE", json -> json.getBytes(StandardCharsets.UTF_16BE)),
        new Encoding("UTF-32BE", json -> json.getBytes(Charset.forName("UTF-32BE"))),
        new Encoding("UTF-32LE", json -> json.getBytes(Charset.forName("UTF-32LE"))),
        new Encoding("UTF-8 behind a byte-order mark", json -> concat(BOM, json.getBytes(StandardCharsets.UTF_8))),
        new Encoding("invalid UTF-8 in a string (lone continuation byte)", json -> invalidUtf8(json, new byte[] {(byte) 0x80})),
        new Encoding("invalid UTF-8 in a string (overlong '/')", json -> invalidUtf8(json, new byte[] {(byte) 0xC0, (byte) 0xAF})),
        new Encoding("invalid UTF-8 in a string (encoded surrogate)",
            json -> invalidUtf8(json, new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80})),
        new Encoding("invalid UTF-8 in a string (truncated sequence)", json -> invalidUtf8(json, new byte[] {(byte) 0xE2, (byte) 0x82})));
  }

  static Stream<Arguments> partsAndEncodings() {
    return wrongEncodings().flatMap(e -> Stream.of(Arguments.of("header", e), Arguments.of("claims", e)));
  }

  private static byte[] concat(byte[] a, byte[] b) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(a);
    out.writeBytes(b);
    return out.toByteArray();
  }

  /** The UTF-8 JSON object with a member {@code "x"} whose string value holds {@code bad} bytes. */
  private static byte[] invalidUtf8(String json, byte[] bad) {
    byte[] utf8 = json.getBytes(StandardCharsets.UTF_8);
    int close = json.lastIndexOf('}');
    byte[] head = java.util.Arrays.copyOf(utf8, close);
    return concat(concat(head, ",\"x\":\"a".getBytes(StandardCharsets.UTF_8)), concat(bad, "\"}".getBytes(StandardCharsets.UTF_8)));
  }

  // ---- the edge assertion

  private final AuthorizerCore edge = Cores.edge();

  private static String assertion(byte[] header, byte[] claims) {
    String input = Base64Url.encode(header) + "." + Base64Url.encode(claims);
    return input + "." + Base64Url.encode(Minter.hmac(MemoryKeys.material(MemoryKeys.CURRENT), input));
  }

  private static String headerJson() {
    return Minter.json(Minter.header(MemoryKeys.CURRENT));
  }

  private static String claimsJson() {
    return Minter.json(Minter.claims("GET", "/orders/42"));
  }

  @Test
  @DisplayName("the same assertion in UTF-8, signed the same way, is accepted")
  void utf8AssertionIsAccepted() {
    assertAllowed(Cores.decide(edge, "GET", "/orders/42", assertion(headerJson().getBytes(StandardCharsets.UTF_8),
        claimsJson().getBytes(StandardCharsets.UTF_8)), null));
  }

  @ParameterizedTest(name = "assertion {0} in {1}: malformed")
  @MethodSource("partsAndEncodings")
  void assertionPartInAnotherEncodingIsMalformed(String part, Encoding encoding) {
    byte[] header = part.equals("header") ? encoding.encode().apply(headerJson()) : headerJson().getBytes(StandardCharsets.UTF_8);
    byte[] claims = part.equals("claims") ? encoding.encode().apply(claimsJson()) : claimsJson().getBytes(StandardCharsets.UTF_8);
    assertRejected(Cores.decide(edge, "GET", "/orders/42", assertion(header, claims), null), Reason.MALFORMED);
  }

  // ---- the user token

  private final LocalIssuer issuer = new LocalIssuer();
  private final MutableClock clock = MutableClock.at(NOW);
  private final AuthorizerCore edgeJwt = Cores.edgeJwt(new UserTokenVerifier(LocalIssuer.ISSUER,
      Set.of(LocalIssuer.CLIENT_ID), TokenUse.ANY, List.of(), Duration.ofSeconds(30), Duration.ZERO,
      issuer.issuerKeys(), clock, null), RouteScopes.none(), clock);

  /** An RS256 JWS over exactly these header and claims bytes, signed with the issuer's key. */
  private String userToken(byte[] header, byte[] claims) {
    try {
      String input = Base64Url.encode(header) + "." + Base64Url.encode(claims);
      var signature = new RSASSASigner(issuer.rsa).sign(new JWSHeader.Builder(JWSAlgorithm.RS256).build(),
          input.getBytes(StandardCharsets.US_ASCII));
      return input + "." + signature;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String tokenHeaderJson() {
    return "{\"alg\":\"RS256\",\"kid\":\"rsa-1\",\"typ\":\"JWT\"}";
  }

  private static String tokenClaimsJson() {
    return Minter.json(LocalIssuer.accessClaims("alice", NOW));
  }

  private static AuthRequest bound(String token) {
    var c = Minter.claims("GET", "/orders/42");
    c.put("ath", AuthorizerCore.sha256Base64Url(token));
    return AuthRequest.of("GET", "/orders/42", Cores.signed(c), token, Minter.arn("GET", "/orders/42"));
  }

  @Test
  @DisplayName("the same user token in UTF-8, signed the same way, is accepted")
  void utf8UserTokenIsAccepted() {
    assertAllowed(edgeJwt.decide(bound(userToken(tokenHeaderJson().getBytes(StandardCharsets.UTF_8),
        tokenClaimsJson().getBytes(StandardCharsets.UTF_8)))));
  }

  @ParameterizedTest(name = "user token {0} in {1}: user_token_invalid")
  @MethodSource("partsAndEncodings")
  void userTokenPartInAnotherEncodingIsInvalid(String part, Encoding encoding) {
    byte[] header = part.equals("header") ? encoding.encode().apply(tokenHeaderJson())
        : tokenHeaderJson().getBytes(StandardCharsets.UTF_8);
    byte[] claims = part.equals("claims") ? encoding.encode().apply(tokenClaimsJson())
        : tokenClaimsJson().getBytes(StandardCharsets.UTF_8);
    assertRejected(edgeJwt.decide(bound(userToken(header, claims))), Reason.USER_TOKEN_INVALID);
  }
}
