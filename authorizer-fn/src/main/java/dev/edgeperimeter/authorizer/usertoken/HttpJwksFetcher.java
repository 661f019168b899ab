package dev.edgeperimeter.authorizer.usertoken;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.edgeperimeter.shared.json.JsonLimits;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Fetches the JWKS over HTTPS with the JDK's {@link HttpURLConnection} (no extra dependency, and the
 * classes the direct DynamoDB and KMS calls load anyway: {@code java.net.http.HttpClient} would add
 * ~150 classes and a selector thread to the cold start): from {@code OIDC_JWKS_URL} when configured,
 * else from the {@code jwks_uri} of the issuer's OpenID discovery document
 * ({@code <issuer>/.well-known/openid-configuration}), looked up once and then remembered. Responses
 * are capped at {@link #MAX_BYTES}; any non-200 answer is a failure. Redirects are followed within the
 * same scheme only (never from HTTPS to HTTP).
 *
 * <p>Every fetch closes its connection ({@link HttpURLConnection#disconnect()}): the JWKS is fetched
 * every few minutes at most, so nothing is gained by keeping one alive, and no IdP connection can be
 * captured in a SnapStart snapshot.
 */
public final class HttpJwksFetcher implements JwksFetcher {
  /** Largest JWKS or discovery document accepted. */
  public static final int MAX_BYTES = 256 * 1024;
  private static final int CONNECT_TIMEOUT_MILLIS = 2_000;
  private static final int READ_TIMEOUT_MILLIS = 3_000;

  private final String issuer;
  private volatile URI jwksUri;

  public HttpJwksFetcher(String issuer, Optional<URI> jwksUrl) {
    this.issuer = issuer;
    this.jwksUri = jwksUrl.orElse(null);
  }

  @Override
  public String fetch() {
    URI uri = jwksUri;
    if (uri == null) {
      uri = discover();
      jwksUri = uri;
    }
    return get(uri);
  }

  private URI discover() {
    String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
    String document = get(URI.create(base + "/.well-known/openid-configuration"));
    try (JsonParser p = JsonLimits.FACTORY.createParser(document)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalStateException("discovery document is not a JSON object");
      }
      String found = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        if ("jwks_uri".equals(name) && t == JsonToken.VALUE_STRING) {
          found = p.getText();
        } else {
          p.skipChildren();
        }
      }
      if (found == null) {
        throw new IllegalStateException("discovery document has no jwks_uri");
      }
      URI uri = URI.create(found);
      if (!uri.isAbsolute() || uri.getHost() == null) {
        throw new IllegalStateException("discovery jwks_uri is not an absolute URL");
      }
      return uri;
    } catch (IOException e) {
      throw new UncheckedIOException("discovery document is not valid JSON", e);
    }
  }

  private static String get(URI uri) {
    HttpURLConnection c = null;
    try {
      URLConnection opened = uri.toURL().openConnection();
      if (!(opened instanceof HttpURLConnection http)) {
        throw new IllegalStateException(uri + " is not an HTTP(S) URL");
      }
      c = http;
      c.setConnectTimeout(CONNECT_TIMEOUT_MILLIS);
      c.setReadTimeout(READ_TIMEOUT_MILLIS);
      c.setInstanceFollowRedirects(true);
      c.setUseCaches(false);
      c.setRequestProperty("Accept", "application/json");
      int status = c.getResponseCode();
      if (status != 200) {
        throw new IllegalStateException(uri + " answered HTTP " + status);
      }
      try (InputStream body = c.getInputStream()) {
        byte[] bytes = body.readNBytes(MAX_BYTES + 1);
        if (bytes.length > MAX_BYTES) {
          throw new IllegalStateException(uri + " answered more than " + MAX_BYTES + " bytes");
        }
        return new String(bytes, StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("fetching " + uri + " failed: " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(uri + " is not a usable URL: " + e.getMessage(), e);
    } finally {
      if (c != null) {
        c.disconnect(); // no kept-alive IdP connection (see the class comment)
      }
    }
  }
}
