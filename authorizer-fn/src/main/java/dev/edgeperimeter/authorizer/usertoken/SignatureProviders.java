package dev.edgeperimeter.authorizer.usertoken;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import java.security.Provider;

/**
 * The JCA provider Nimbus's verifiers use for user-token signatures ({@code SIGNATURE_PROVIDER}):
 * the Amazon Corretto Crypto Provider (ACCP: AWS-LC, AWS's own library; RS256 about twice, ES256
 * about seven times the JDK's speed), or the JDK's own providers. ACCP is loaded once, while the
 * function initialises (so before a SnapStart snapshot), and wherever it cannot load (another CPU
 * architecture, a failed self-test) the JDK verifies, with the same verdicts.
 *
 * <p>ACCP is never installed as a JVM-wide provider: it is handed to Nimbus for signature
 * verification only, so no randomness, key generation or TLS ever comes from it.
 */
public final class SignatureProviders {
  private SignatureProviders() {
  }

  /** The outcome of choosing a provider: {@code null} for the JDK's, and a line for the log. */
  public record Choice(Provider provider, String description) {
  }

  /** The JDK's own providers. */
  public static Choice jdk() {
    return new Choice(null, "JDK");
  }

  /** ACCP when it loads and passes its self-tests, else the JDK's (with the reason). */
  public static Choice accpOrJdk() {
    try {
      AmazonCorrettoCryptoProvider accp = AmazonCorrettoCryptoProvider.INSTANCE;
      Throwable loadingError = accp.getLoadingError();
      if (loadingError != null) {
        return new Choice(null, "JDK (ACCP unavailable: " + loadingError + ")");
      }
      accp.assertHealthy();
      return new Choice(accp, "ACCP " + accp.getVersionStr());
    } catch (RuntimeException | LinkageError e) {
      return new Choice(null, "JDK (ACCP unavailable: " + e + ")");
    }
  }
}
