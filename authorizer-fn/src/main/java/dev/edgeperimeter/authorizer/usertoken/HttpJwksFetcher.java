package dev.edgeperimeter.authorizer.usertoken;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.edgeperimeter.shared.json.JsonLimits;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * Fetches the JWKS over HTTPS with the JDK's {@link HttpClient} (no extra dependency): from
 * {@code OIDC_JWKS_URL} when configured, else from the {@code jwks_uri} of the issuer's OpenID
 * discovery document ({@code <issuer>/.well-known/openid-configuration}), looked up once and then
 * remembered. Responses are capped at {@link #MAX_BYTES}; any non-200 answer is a failure.
 *
 * <p>The client is created lazily on the first fetch, so nothing network-related is built before a
 * SnapStart snapshot unless priming fetches.
 */
public final class HttpJwksFetcher implements JwksFetcher {
  /** Largest JWKS or discovery document accepted. */
  public static final int MAX_BYTES = 256 * 1024;
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(3);

  private final String issuer;
  private volatile URI jwksUri;
  private volatile HttpClient client;

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

  @Override
  public void releaseConnections() {
    HttpClient c = client;
    client = null;
    if (c != null) {
      c.close();
    }
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

  private String get(URI uri) {
    HttpClient c = client;
    if (c == null) {
      c = HttpClient.newBuilder()
          .connectTimeout(CONNECT_TIMEOUT)
          .followRedirects(HttpClient.Redirect.NORMAL)
          .build();
      client = c;
    }
    HttpRequest request = HttpRequest.newBuilder(uri)
        .timeout(REQUEST_TIMEOUT)
        .header("Accept", "application/json")
        .GET()
        .build();
    try {
      HttpResponse<InputStream> response = c.send(request, HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream body = response.body()) {
        if (response.statusCode() != 200) {
          throw new IllegalStateException(uri + " answered HTTP " + response.statusCode());
        }
        byte[] bytes = body.readNBytes(MAX_BYTES + 1);
        if (bytes.length > MAX_BYTES) {
          throw new IllegalStateException(uri + " answered more than " + MAX_BYTES + " bytes");
        }
        return new String(bytes, StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("fetching " + uri + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while fetching " + uri, e);
    }
  }
}
