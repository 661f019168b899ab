package dev.edgeperimeter.authorizer.usertoken;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.Algorithm;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.proc.SecurityContext;
import dev.edgeperimeter.authorizer.core.AuthorizerConfig.TokenUse;
import dev.edgeperimeter.authorizer.core.Rejection;
import dev.edgeperimeter.authorizer.support.JwksSources;
import dev.edgeperimeter.authorizer.support.LocalIssuer;
import dev.edgeperimeter.authorizer.support.Minter;
import dev.edgeperimeter.shared.crypto.Base64Url;
import dev.edgeperimeter.shared.crypto.Sha256;
import dev.edgeperimeter.testsupport.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * SnapStart priming of the issuer's keys ({@link UserTokenVerifier#prepareKeys}): every usable key
 * is converted and its whole verification run once on a synthetic token that is refused, with no
 * effect a request could see: the JWKS is fetched once and never again for an unknown kid, no
 * warning is raised, no token is cached, keys a token could not name (no kid, an algorithm the
 * contract refuses, a kid UTF-8 cannot carry) are skipped, and the real tokens verify afterwards.
 */
@DisplayName("SnapStart priming of the issuer's keys")
class PrepareKeysTest {
  private static final long NOW = Minter.NOW;
  private static RSAKey rsa;
  private static ECKey ec;

  @BeforeAll
  static void keys() throws Exception {
    rsa = new RSAKeyGenerator(2048).keyID("rsa-1").keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256).generate();
    ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
  }

  /** A JWKS served from memory that counts its fetches. */
  private static JWKSetSource<SecurityContext> jwks(AtomicInteger fetches, List<JWK> keys) {
    return JwksSources.serving(() -> {
      fetches.incrementAndGet();
      return new JWKSet(keys);
    });
  }

  @Test
  @DisplayName("every kind of published key: one fetch, no warning, nothing cached; real tokens verify after")
  void primingHasNoVisibleEffect() throws Exception {
    List<JWK> published = new ArrayList<>(List.of(
        rsa.toPublicJWK(),
        ec.toPublicJWK(),
        new RSAKey.Builder(rsa.toRSAPublicKey()).keyID("rsa-ps").algorithm(JWSAlgorithm.PS256).build(),
        new RSAKey.Builder(rsa.toRSAPublicKey()).keyID("rsa-512").algorithm(JWSAlgorithm.RS512).build(),
        new RSAKey.Builder(rsa.toRSAPublicKey()).keyID("rsa-none").algorithm(new Algorithm("none")).build(),
        new RSAKey.Builder(rsa.toRSAPublicKey()).keyID("rsa-enc").keyUse(KeyUse.ENCRYPTION).build(),
        new RSAKey.Builder(rsa.toRSAPublicKey()).keyID("quote\"and\\backslash").build(),
        new RSAKey.Builder(rsa.toRSAPublicKey()).keyID("lone\uD800surrogate").build(),
        new ECKey.Builder(ec.toPublicJWK()).keyID(null).build()));
    AtomicInteger fetches = new AtomicInteger();
    List<String> warnings = new ArrayList<>();
    UserTokenVerifier verifier = new UserTokenVerifier(LocalIssuer.ISSUER, Set.of(LocalIssuer.CLIENT_ID), TokenUse.ANY,
        List.of(), Duration.ofSeconds(30), Duration.ofMinutes(5),
        IssuerKeys.of(jwks(fetches, published), Duration.ofSeconds(900), warnings::add), MutableClock.at(NOW), null);

    assertThat(verifier.prepareKeys()).as("usable keys").isTrue();
    assertThat(fetches).as("JWKS fetches: the first, and no unknown-kid refetch").hasValue(1);
    assertThat(warnings).isEmpty();
    assertThat(verifier.cachedTokens()).as("tokens cached by priming").isZero();
    for (JWK key : published) {
      boolean nameable = Set.of("rsa-1", "ec-1", "rsa-ps", "rsa-enc", "quote\"and\\backslash").contains(
          String.valueOf(key.getKeyID()));
      assertThat(verifier.refuseSyntheticToken(key)).as("synthetic verification run for " + key.getKeyID())
          .isEqualTo(nameable);
    }
    assertThat(fetches).as("still no refetch").hasValue(1);

    String rs256 = LocalIssuer.sign(JWSAlgorithm.RS256, "rsa-1", LocalIssuer.accessClaims("alice", NOW),
        new RSASSASigner(rsa));
    String es256 = LocalIssuer.sign(JWSAlgorithm.ES256, "ec-1", LocalIssuer.accessClaims("alice", NOW),
        new ECDSASigner(ec));
    for (String token : List.of(rs256, es256)) {
      assertThat(verifier.verify(token, hash(token)).token().sub()).isEqualTo("alice");
    }
    assertThat(fetches).hasValue(1);
  }

  @Test
  @DisplayName("an issuer without usable keys: priming says so and throws nothing")
  void noUsableKeys() {
    AtomicInteger fetches = new AtomicInteger();
    UserTokenVerifier verifier = new UserTokenVerifier(LocalIssuer.ISSUER, Set.of(LocalIssuer.CLIENT_ID), TokenUse.ANY,
        List.of(), Duration.ofSeconds(30), Duration.ZERO, IssuerKeys.of(jwks(fetches, List.of()), Duration.ofSeconds(900),
            w -> { }), MutableClock.at(NOW), null);
    assertThat(verifier.prepareKeys()).isFalse();
  }

  private static String hash(String token) {
    return Base64Url.encode(Sha256.digest(token.getBytes(StandardCharsets.US_ASCII)));
  }

  @Test
  @DisplayName("a token with the synthetic signature priming uses is refused, for RSA and EC keys alike")
  void syntheticSignaturesNeverVerify() throws Exception {
    UserTokenVerifier verifier = new UserTokenVerifier(LocalIssuer.ISSUER, Set.of(LocalIssuer.CLIENT_ID), TokenUse.ANY,
        List.of(), Duration.ofSeconds(30), Duration.ZERO,
        IssuerKeys.of(jwks(new AtomicInteger(), List.of(rsa.toPublicJWK(), ec.toPublicJWK())), Duration.ofSeconds(900),
            w -> { }), MutableClock.at(NOW), null);
    String claims = Minter.JSON.writeValueAsString(LocalIssuer.accessClaims("alice", NOW));
    for (String[] keyAndAlg : new String[][] {{"rsa-1", "RS256", "256"}, {"ec-1", "ES256", "64"}}) {
      byte[] signature = new byte[Integer.parseInt(keyAndAlg[2])];
      signature[signature.length - 1] = 1;
      if (keyAndAlg[1].equals("ES256")) {
        signature[31] = 1; // r = s = 1
      }
      String token = Base64Url.encode(("{\"alg\":\"" + keyAndAlg[1] + "\",\"kid\":\"" + keyAndAlg[0] + "\"}")
          .getBytes(StandardCharsets.UTF_8)) + "." + Base64Url.encode(claims.getBytes(StandardCharsets.UTF_8)) + "."
          + Base64Url.encode(signature);
      try {
        verifier.verify(token, null);
        throw new AssertionError(keyAndAlg[1] + ": a synthetic signature verified");
      } catch (Rejection expected) {
        assertThat(expected.reason().code()).isEqualTo("user_token_invalid");
      }
    }
  }
}
