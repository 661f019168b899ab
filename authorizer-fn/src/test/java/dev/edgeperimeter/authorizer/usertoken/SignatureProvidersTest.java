package dev.edgeperimeter.authorizer.usertoken;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgeperimeter.authorizer.core.AuthorizerConfig.TokenUse;
import dev.edgeperimeter.authorizer.core.Rejection;
import dev.edgeperimeter.authorizer.support.LocalIssuer;
import dev.edgeperimeter.authorizer.support.Minter;
import dev.edgeperimeter.testsupport.MutableClock;
import java.security.Provider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * SIGNATURE_PROVIDER=accp: Nimbus verifies user-token signatures through ACCP, with exactly the
 * verdicts the JDK's provider gives (valid, tampered, truncated), for RS256, PS256 and ES256.
 */
@DisplayName("Signature provider: ACCP gives the same verdicts as the JDK")
class SignatureProvidersTest {
  private static final long NOW = Minter.NOW;
  private final LocalIssuer issuer = new LocalIssuer();
  private final MutableClock clock = MutableClock.at(NOW);

  private UserTokenVerifier verifier(Provider provider) {
    return new UserTokenVerifier(LocalIssuer.ISSUER, Set.of(LocalIssuer.CLIENT_ID), TokenUse.ANY, List.of(),
        Duration.ofSeconds(30), Duration.ZERO, issuer.issuerKeys(), clock, provider);
  }

  private static boolean accepted(UserTokenVerifier v, String token) {
    try {
      v.verify(token, null);
      return true;
    } catch (Rejection r) {
      return false;
    }
  }

  private List<String> tokens(String sub) {
    Map<String, Object> claims = LocalIssuer.accessClaims(sub, NOW);
    return List.of(issuer.rs256(claims), issuer.ps256(claims), issuer.es256(claims));
  }

  /** Each token with one signature character changed every 7 characters, and truncated. */
  private static List<String> tampered(String token) {
    List<String> out = new ArrayList<>();
    int sig = token.lastIndexOf('.') + 1;
    for (int i = sig; i < token.length(); i += 7) {
      char flipped = token.charAt(i) == 'A' ? 'B' : 'A';
      out.add(token.substring(0, i) + flipped + token.substring(i + 1));
    }
    out.add(token.substring(0, token.length() - 4));
    return out;
  }

  @Test
  @DisplayName("ACCP loads here, so the comparison is between two providers")
  void accpLoads() {
    SignatureProviders.Choice accp = SignatureProviders.accpOrJdk();
    assertThat(accp.description()).startsWith("ACCP ");
    assertThat(accp.provider()).isNotNull();
    assertThat(SignatureProviders.jdk().provider()).isNull();
  }

  @Test
  @DisplayName("valid RS256, PS256 and ES256 tokens are accepted by both")
  void validTokens() {
    UserTokenVerifier accp = verifier(SignatureProviders.accpOrJdk().provider());
    UserTokenVerifier jdk = verifier(SignatureProviders.jdk().provider());
    for (String token : tokens("user-1")) {
      assertThat(accepted(accp, token)).as("ACCP").isTrue();
      assertThat(accepted(jdk, token)).as("JDK").isTrue();
    }
  }

  @Test
  @DisplayName("a changed or truncated signature is refused by both")
  void tamperedTokens() {
    UserTokenVerifier accp = verifier(SignatureProviders.accpOrJdk().provider());
    UserTokenVerifier jdk = verifier(SignatureProviders.jdk().provider());
    for (String token : tokens("user-2")) {
      for (String bad : tampered(token)) {
        assertThat(accepted(accp, bad)).as("ACCP on %s", bad).isFalse();
        assertThat(accepted(jdk, bad)).as("JDK on %s", bad).isFalse();
      }
    }
  }
}
