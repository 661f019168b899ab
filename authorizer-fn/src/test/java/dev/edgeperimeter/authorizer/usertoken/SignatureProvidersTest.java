package dev.edgeperimeter.authorizer.usertoken;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgeperimeter.authorizer.core.AuthorizerConfig.TokenUse;
import dev.edgeperimeter.authorizer.core.Rejection;
import dev.edgeperimeter.authorizer.support.LocalIssuer;
import dev.edgeperimeter.authorizer.support.Minter;
import dev.edgeperimeter.testsupport.MutableClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * SIGNATURE_PROVIDER=accp: once ACCP has loaded, user-token signatures are verified by it, with
 * exactly the verdicts the JDK gives (valid, tampered, wrong key, truncated), for RS256, PS256 and
 * ES256.
 */
@DisplayName("Signature provider: ACCP when loaded, the same verdicts as the JDK")
class SignatureProvidersTest {
  private static final long NOW = Minter.NOW;
  private final LocalIssuer issuer = new LocalIssuer();
  private final MutableClock clock = MutableClock.at(NOW);

  @BeforeAll
  static void loadAccp() {
    assertThat(SignatureProviders.loadNow()).as(SignatureProviders.status()).isTrue();
  }

  private UserTokenVerifier verifier() {
    JwksCache jwks = new JwksCache(issuer::jwksJson, clock, Duration.ofMinutes(5), Duration.ofMinutes(15), w -> { });
    return new UserTokenVerifier(LocalIssuer.ISSUER, Set.of(LocalIssuer.CLIENT_ID), TokenUse.ANY, List.of(),
        Duration.ofSeconds(30), Duration.ZERO, jwks, clock);
  }

  private static boolean accepted(UserTokenVerifier v, String token) {
    try {
      v.verify(token, null);
      return true;
    } catch (Rejection r) {
      return false;
    }
  }

  @Test
  @DisplayName("ACCP loads on linux-x86_64 and says so; per-thread verifiers switch to it")
  void loadsAndSwitches() {
    assertThat(SignatureProviders.status()).startsWith("ACCP ");
    assertThat(SignatureProviders.current()).isNotNull();
    PerThreadSignature rs256 = new PerThreadSignature("SHA256withRSA", null, true);
    assertThat(rs256.get().getProvider()).isSameAs(SignatureProviders.accelerated());
    assertThat(new PerThreadSignature("SHA256withECDSAinP1363Format", null, true).get().getProvider())
        .isSameAs(SignatureProviders.accelerated());
    assertThat(new PerThreadSignature("SHA256withRSA", null, false).get().getProvider())
        .as("SIGNATURE_PROVIDER=jdk").isNotSameAs(SignatureProviders.accelerated());
  }

  @Test
  @DisplayName("valid RS256, PS256 and ES256 tokens are accepted")
  void validTokens() {
    UserTokenVerifier v = verifier();
    Map<String, Object> claims = LocalIssuer.accessClaims("user-1", NOW);
    assertThat(accepted(v, issuer.rs256(claims))).isTrue();
    assertThat(accepted(v, issuer.ps256(claims))).isTrue();
    assertThat(accepted(v, issuer.es256(claims))).isTrue();
  }

  @Test
  @DisplayName("a flipped bit anywhere in the signature, or a truncated one, is refused - as by the JDK")
  void tamperedTokens() {
    UserTokenVerifier v = verifier();
    Map<String, Object> claims = LocalIssuer.accessClaims("user-2", NOW);
    for (String token : List.of(issuer.rs256(claims), issuer.ps256(claims), issuer.es256(claims))) {
      int sig = token.lastIndexOf('.') + 1;
      for (int i = sig; i < token.length(); i += 7) {
        char c = token.charAt(i);
        char flipped = c == 'A' ? 'B' : 'A';
        String tampered = token.substring(0, i) + flipped + token.substring(i + 1);
        assertThat(accepted(v, tampered)).as("tampered at %d", i).isFalse();
      }
      assertThat(accepted(v, token.substring(0, token.length() - 4))).isFalse();
    }
  }
}
