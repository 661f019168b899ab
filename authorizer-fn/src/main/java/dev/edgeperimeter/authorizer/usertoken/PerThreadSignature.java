package dev.edgeperimeter.authorizer.usertoken;

import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.Signature;
import java.security.spec.AlgorithmParameterSpec;

/**
 * One JCA {@link Signature} per thread for one algorithm. When accelerated, from the provider
 * {@link SignatureProviders#current()} names: the JDK's until ACCP has loaded, ACCP's after (a
 * thread's instance is replaced on its next use); an algorithm ACCP refuses stays with the JDK.
 * Otherwise always the JDK's.
 */
final class PerThreadSignature {
  private final String algorithm;
  private final AlgorithmParameterSpec parameters;
  private final ThreadLocal<Signature> local = new ThreadLocal<>();
  private volatile boolean acceleratorRefused;

  PerThreadSignature(String algorithm, AlgorithmParameterSpec parameters, boolean accelerate) {
    this.algorithm = algorithm;
    this.parameters = parameters;
    this.acceleratorRefused = !accelerate;
  }

  Signature get() {
    Provider wanted = acceleratorRefused ? null : SignatureProviders.current();
    Signature s = local.get();
    if (s == null || (wanted != null && s.getProvider() != wanted)) {
      s = create(wanted);
      local.set(s);
    }
    return s;
  }

  private Signature create(Provider provider) {
    try {
      Signature s = provider == null ? Signature.getInstance(algorithm) : Signature.getInstance(algorithm, provider);
      if (parameters != null) {
        s.setParameter(parameters);
      }
      return s;
    } catch (GeneralSecurityException | RuntimeException | LinkageError e) {
      if (provider != null) {
        acceleratorRefused = true;
        return create(null);
      }
      throw new IllegalStateException("JCA algorithm " + algorithm + " unavailable", e);
    }
  }
}
