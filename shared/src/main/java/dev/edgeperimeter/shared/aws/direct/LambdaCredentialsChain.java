package dev.edgeperimeter.shared.aws.direct;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.edgeperimeter.shared.config.Env;
import dev.edgeperimeter.shared.json.JsonLimits;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/** See {@link CredentialsSource#lambdaChain(Env)}. */
final class LambdaCredentialsChain implements CredentialsSource {
  /** Container credentials are fetched again when they have less than this left. */
  static final Duration REFRESH_BEFORE_EXPIRY = Duration.ofMinutes(5);
  private static final String ECS_HOST = "http://169.254.170.2";
  /** Plain-HTTP credential endpoints the chain will send the authorization token to (as the SDK allows). */
  private static final Set<String> LINK_LOCAL_HOSTS = Set.of("169.254.170.2", "169.254.170.23", "[fd00:ec2::23]");
  private static final int MAX_RESPONSE_BYTES = 64 * 1024;

  private final Env env;
  private final Clock clock;
  private volatile SigningCredentials cached;
  private volatile ValidatedEndpoint validated;

  LambdaCredentialsChain(Env env) {
    this(env, Clock.systemUTC());
  }

  LambdaCredentialsChain(Env env, Clock clock) {
    this.env = env;
    this.clock = clock;
  }

  @Override
  public SigningCredentials resolve() {
    Optional<String> key = env.optional("AWS_ACCESS_KEY_ID");
    Optional<String> secret = env.optional("AWS_SECRET_ACCESS_KEY");
    if (key.isPresent() && secret.isPresent()) {
      return SigningCredentials.of(key.get(), secret.get(), env.optional("AWS_SESSION_TOKEN").orElse(null));
    }
    String propertyKey = System.getProperty("aws.accessKeyId");
    String propertySecret = System.getProperty("aws.secretAccessKey");
    if (propertyKey != null && !propertyKey.isBlank() && propertySecret != null && !propertySecret.isBlank()) {
      return SigningCredentials.of(propertyKey, propertySecret, System.getProperty("aws.sessionToken"));
    }
    Optional<URI> endpoint = containerEndpoint();
    if (endpoint.isEmpty()) {
      throw new AwsCallException("Credentials.Resolve", 0, null, "no AWS credentials: set AWS_ACCESS_KEY_ID and "
          + "AWS_SECRET_ACCESS_KEY, or AWS_CONTAINER_CREDENTIALS_FULL_URI (Lambda sets one of them)", false, null);
    }
    return containerCredentials(endpoint.get());
  }

  @Override
  public void forget() {
    cached = null;
  }

  private synchronized SigningCredentials containerCredentials(URI endpoint) {
    SigningCredentials current = cached;
    Instant now = clock.instant();
    if (current != null && current.expiration().map(e -> e.minus(REFRESH_BEFORE_EXPIRY).isAfter(now)).orElse(true)) {
      return current;
    }
    try {
      SigningCredentials fresh = fetch(endpoint);
      cached = fresh;
      return fresh;
    } catch (AwsCallException e) {
      if (current != null && current.expiration().map(exp -> exp.isAfter(now)).orElse(false)) {
        return current; // the endpoint hiccupped; the cached set is still valid for a while
      }
      throw e;
    }
  }

  /** The container endpoint as validated for the environment's values (validated once, not per call). */
  private record ValidatedEndpoint(String source, URI uri) {
  }

  private Optional<URI> containerEndpoint() {
    Optional<String> full = env.optional("AWS_CONTAINER_CREDENTIALS_FULL_URI");
    Optional<String> relative = env.optional("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
    if (full.isEmpty() && relative.isEmpty()) {
      return Optional.empty();
    }
    String source = full.orElse("") + "\n" + relative.orElse("");
    ValidatedEndpoint known = validated;
    if (known != null && known.source().equals(source)) {
      return Optional.of(known.uri());
    }
    URI uri = full.isPresent() ? fullUri(full.get()) : relativeUri(relative.get());
    validated = new ValidatedEndpoint(source, uri);
    return Optional.of(uri);
  }

  private URI fullUri(String value) {
    URI uri = env.uri("AWS_CONTAINER_CREDENTIALS_FULL_URI", value);
    if (uri.getRawUserInfo() != null || (!"https".equals(uri.getScheme()) && !allowedPlainHttpHost(uri))) {
      throw new AwsCallException("Credentials.Resolve", 0, null, "AWS_CONTAINER_CREDENTIALS_FULL_URI must be https "
          + "or a loopback or link-local container endpoint (and " + uri.getHost() + " could not be confirmed as one)",
          false, null);
    }
    return uri;
  }

  private static URI relativeUri(String value) {
    URI uri = value.startsWith("/") ? URI.create(ECS_HOST + value) : null;
    if (uri == null || !"169.254.170.2".equals(uri.getHost()) || uri.getRawUserInfo() != null) {
      throw new AwsCallException("Credentials.Resolve", 0, null,
          "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI must be a path starting with /", false, null);
    }
    return uri;
  }

  static boolean allowedPlainHttpHost(URI uri) {
    if (!"http".equals(uri.getScheme()) || uri.getHost() == null) {
      return false;
    }
    if (LINK_LOCAL_HOSTS.contains(uri.getHost())) {
      return true;
    }
    try {
      for (InetAddress address : InetAddress.getAllByName(uri.getHost())) {
        if (!address.isLoopbackAddress()) {
          return false;
        }
      }
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private Optional<String> authorizationToken() {
    Optional<String> file = env.optional("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    if (file.isPresent()) {
      try {
        return Optional.of(Files.readString(Path.of(file.get()), StandardCharsets.UTF_8).trim());
      } catch (IOException e) {
        throw new AwsCallException("Credentials.Resolve", 0, null,
            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE cannot be read: " + e.getMessage(), true, e);
      }
    }
    return env.optional("AWS_CONTAINER_AUTHORIZATION_TOKEN");
  }

  private SigningCredentials fetch(URI endpoint) {
    Optional<String> token = authorizationToken();
    AwsCallException last = null;
    for (int attempt = 1; attempt <= 2; attempt++) {
      try {
        HttpURLConnection c = (HttpURLConnection) endpoint.toURL().openConnection();
        c.setConnectTimeout(1000);
        c.setReadTimeout(2000);
        c.setInstanceFollowRedirects(false); // the token goes to the validated endpoint only
        c.setUseCaches(false);
        c.setRequestProperty("Accept", "application/json");
        token.ifPresent(t -> c.setRequestProperty("Authorization", t));
        int status = c.getResponseCode();
        byte[] body;
        try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
          body = in == null ? new byte[0] : in.readNBytes(MAX_RESPONSE_BYTES);
        }
        if (status != 200) {
          last = new AwsCallException("Credentials.Resolve", status, null, "the container credentials endpoint refused",
              status >= 500, null);
          if (status < 500) {
            throw last;
          }
          continue;
        }
        return parse(body);
      } catch (IOException e) {
        last = new AwsCallException("Credentials.Resolve", 0, null, "the container credentials endpoint did not answer: "
            + e.getClass().getSimpleName(), true, e);
      }
    }
    throw last;
  }

  static SigningCredentials parse(byte[] body) {
    String key = null;
    String secret = null;
    String token = null;
    Instant expiration = null;
    try (JsonParser p = JsonLimits.FACTORY.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("not a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if (value != JsonToken.VALUE_STRING) {
          p.skipChildren();
          continue;
        }
        switch (name) {
          case "AccessKeyId" -> key = p.getText();
          case "SecretAccessKey" -> secret = p.getText();
          case "Token" -> token = p.getText();
          case "Expiration" -> expiration = Instant.parse(p.getText());
          default -> { }
        }
      }
      return new SigningCredentials(key, secret, Optional.ofNullable(token), Optional.ofNullable(expiration));
    } catch (IOException | RuntimeException e) {
      throw new AwsCallException("Credentials.Resolve", 200, null,
          "the container credentials endpoint answered something else than credentials", false, e);
    }
  }
}
