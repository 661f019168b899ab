package dev.edgeperimeter.authorizer.support;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetParseException;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.proc.SecurityContext;

/** Issuer key documents served from memory to the authorizer's {@code IssuerKeys}, as its https source would. */
public final class JwksSources {
  private JwksSources() {
  }

  /** One fetch of the document: a key set, or the failure a fetch would raise. */
  @FunctionalInterface
  public interface Fetch {
    JWKSet get() throws KeySourceException;
  }

  /** A Nimbus source whose every fetch runs {@code fetch}. */
  public static JWKSetSource<SecurityContext> serving(Fetch fetch) {
    return new JWKSetSource<>() {
      @Override
      public JWKSet getJWKSet(JWKSetCacheRefreshEvaluator evaluator, long currentTime, SecurityContext context)
          throws KeySourceException {
        return fetch.get();
      }

      @Override
      public void close() {
      }
    };
  }

  /** {@code json} through Nimbus's own parser, as the https source parses it. */
  public static JWKSet parse(String json, String whatIfNot) throws JWKSetParseException {
    try {
      return JWKSet.parse(json);
    } catch (java.text.ParseException e) {
      throw new JWKSetParseException(whatIfNot, e);
    }
  }
}
