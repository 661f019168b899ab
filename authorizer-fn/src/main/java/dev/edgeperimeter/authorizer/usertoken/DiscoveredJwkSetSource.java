package dev.edgeperimeter.authorizer.usertoken;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.jwk.source.URLBasedJWKSetSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jose.util.ResourceRetriever;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.util.Map;

/**
 * The issuer's JWKS where its OpenID discovery document ({@code <issuer>/.well-known/openid-configuration},
 * OpenID Connect Discovery 1.0) says it is: the document is fetched on the first key lookup, its
 * {@code issuer} must equal {@code OIDC_ISSUER} exactly (section 4.3: otherwise the document speaks
 * for another issuer), and its {@code jwks_uri} must be an https URL ({@link OidcUrls}). The
 * discovered URL is then kept; a failed discovery is retried on the next lookup. Fetching, size
 * limits and timeouts are Nimbus's ({@link ResourceRetriever}), as for the JWKS itself.
 */
final class DiscoveredJwkSetSource implements JWKSetSource<SecurityContext> {
  private final String issuer;
  private final ResourceRetriever retriever;
  private volatile URLBasedJWKSetSource<SecurityContext> discovered;

  DiscoveredJwkSetSource(String issuer, ResourceRetriever retriever) {
    this.issuer = issuer;
    this.retriever = retriever;
  }

  @Override
  public JWKSet getJWKSet(JWKSetCacheRefreshEvaluator refreshEvaluator, long currentTime, SecurityContext context)
      throws KeySourceException {
    URLBasedJWKSetSource<SecurityContext> source = discovered;
    if (source == null) {
      source = new URLBasedJWKSetSource<>(discover(), retriever);
      discovered = source;
    }
    return source.getJWKSet(refreshEvaluator, currentTime, context);
  }

  private URL discover() throws KeySourceException {
    String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
    URI documentUri = URI.create(base + "/.well-known/openid-configuration");
    Map<String, Object> document;
    try {
      document = JSONObjectUtils.parse(retriever.retrieveResource(documentUri.toURL()).getContent());
    } catch (IOException | java.text.ParseException | RuntimeException e) {
      throw new KeySourceException("OIDC discovery at " + documentUri + " failed: " + e.getMessage(), e);
    }
    Object documentIssuer = document.get("issuer");
    if (!issuer.equals(documentIssuer)) {
      throw new KeySourceException("OIDC discovery document names issuer '" + documentIssuer
          + "', not the configured OIDC_ISSUER '" + issuer + "'");
    }
    Object jwksUri = document.get("jwks_uri");
    if (!(jwksUri instanceof String text)) {
      throw new KeySourceException("OIDC discovery document has no jwks_uri");
    }
    try {
      URI uri = new URI(text);
      String problem = OidcUrls.problem(uri);
      if (problem != null) {
        throw new KeySourceException("discovered jwks_uri " + problem);
      }
      return uri.toURL();
    } catch (java.net.URISyntaxException | IOException | IllegalArgumentException e) {
      throw new KeySourceException("discovered jwks_uri is not a URL: " + text, e);
    }
  }

  @Override
  public void close() throws IOException {
    URLBasedJWKSetSource<SecurityContext> source = discovered;
    if (source != null) {
      source.close();
    }
  }
}
