package dev.edgeperimeter.rotation.edge;

import com.akamai.edgegrid.signer.ClientCredential;
import com.akamai.edgegrid.signer.EdgeGridV1Signer;
import com.akamai.edgegrid.signer.Request;
import com.akamai.edgegrid.signer.exceptions.RequestSigningException;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.edgeperimeter.rotation.RotationJson;
import dev.edgeperimeter.shared.json.JsonLimits;
import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the edge signing key to Akamai EdgeKV (docs/WIRE-DETAILS.md): for each configured
 * network, an EdgeGrid-signed {@code PUT} of {@code {"v":1,"kid","alg","k","exp"}} to the item,
 * then signed {@code GET}s until the item answers with the new {@code kid} (EdgeKV writes take a
 * few seconds to become readable). Throttling (429), server errors (5xx) and I/O errors are retried
 * with exponential backoff; any other answer fails at once. The whole publish is bounded by
 * {@link Timing#totalBudget()}. Errors name the network, step and HTTP status, never credentials
 * or key material.
 */
public final class EdgeKvPublisher implements EdgeKeyPublisher {
  private static final Logger LOG = LoggerFactory.getLogger(EdgeKvPublisher.class);
  static final int ITEM_FORMAT_VERSION = 1;

  /**
   * Retry and confirmation timing; {@link #DEFAULT} suits the real API, tests shrink it.
   *
   * @param totalBudget the longest one {@link #publish} may take, all networks, retries and
   *                    confirmation reads included (a request in flight may add up to
   *                    {@code requestTimeout}); past it the publish fails, so a slow edge store
   *                    fails the run cleanly instead of running into the function's timeout
   */
  public record Timing(int maxAttempts, Duration firstBackoff, int confirmAttempts, Duration confirmDelay,
                       Duration requestTimeout, Duration totalBudget) {
    /** Leaves room in the template's 120 s function timeout for DynamoDB and KMS around a publish. */
    public static final Timing DEFAULT = new Timing(4, Duration.ofMillis(250), 8, Duration.ofSeconds(2),
        Duration.ofSeconds(10), Duration.ofSeconds(80));

    /** Timing with the default total budget. */
    public Timing(int maxAttempts, Duration firstBackoff, int confirmAttempts, Duration confirmDelay,
                  Duration requestTimeout) {
      this(maxAttempts, firstBackoff, confirmAttempts, confirmDelay, requestTimeout, Duration.ofSeconds(80));
    }
  }

  /** Waits between attempts; replaced in tests. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
  }

  private final PublishSecretSource secrets;
  private final EdgeKvTarget target;
  private final Timing timing;
  private final Sleeper sleeper;
  private final Supplier<HttpClient> httpFactory;
  private final LongSupplier nanoTime;
  private volatile HttpClient http;

  public EdgeKvPublisher(PublishSecretSource secrets, EdgeKvTarget target) {
    this(secrets, target, Timing.DEFAULT, d -> Thread.sleep(d.toMillis()), EdgeKvPublisher::defaultHttpClient);
  }

  /**
   * @param httpFactory builds the HTTP client on first use (after any SnapStart restore), so no
   *                    connection or TLS state is captured in a snapshot
   */
  public EdgeKvPublisher(PublishSecretSource secrets, EdgeKvTarget target, Timing timing, Sleeper sleeper,
                         Supplier<HttpClient> httpFactory) {
    this(secrets, target, timing, sleeper, httpFactory, System::nanoTime);
  }

  /** @param nanoTime a monotonic clock for the total budget ({@link System#nanoTime}; tests move it with the sleeper) */
  public EdgeKvPublisher(PublishSecretSource secrets, EdgeKvTarget target, Timing timing, Sleeper sleeper,
                         Supplier<HttpClient> httpFactory, LongSupplier nanoTime) {
    this.nanoTime = Objects.requireNonNull(nanoTime);
    this.secrets = Objects.requireNonNull(secrets);
    this.target = Objects.requireNonNull(target);
    this.timing = Objects.requireNonNull(timing);
    this.sleeper = Objects.requireNonNull(sleeper);
    this.httpFactory = Objects.requireNonNull(httpFactory);
  }

  static HttpClient defaultHttpClient() {
    return HttpClient.newBuilder()
        .connectTimeout(Duration.ofSeconds(5))
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }

  private HttpClient http() {
    HttpClient client = http;
    if (client == null) {
      synchronized (this) {
        if (http == null) {
          http = httpFactory.get();
        }
        client = http;
      }
    }
    return client;
  }

  @Override
  public boolean enabled() {
    return true;
  }

  @Override
  public String describe() {
    return "edgekv " + target.namespace() + "/" + target.group() + "/" + target.item() + " on " + target.networks();
  }

  @Override
  public void publish(EdgeKey key) throws EdgePublishException {
    PublishSecret secret;
    try {
      secret = secrets.get();
    } catch (RuntimeException e) {
      throw new EdgePublishException("cannot read the EdgeKV publish secret: " + e.getMessage(), e);
    }
    ClientCredential credential = ClientCredential.builder()
        .host(secret.signedHost())
        .clientToken(secret.clientToken())
        .clientSecret(secret.clientSecret())
        .accessToken(secret.accessToken())
        .build();
    byte[] material = key.material();
    byte[] body;
    try {
      body = itemJson(key, KeyWrapper.wrap(secret.wrappingKey(), key.kid(), material));
    } finally {
      java.util.Arrays.fill(material, (byte) 0);
    }
    long deadline = nanoTime.getAsLong() + timing.totalBudget().toNanos();
    for (String network : target.networks()) {
      URI uri = secret.baseUri().resolve(target.path(network));
      send(credential, "PUT", uri, body, network, "write", deadline);
      confirm(credential, uri, key.kid(), network, deadline);
      LOG.info("EdgeKV item {} on {} now returns kid {}", target.path(network), network, key.kid());
    }
  }

  /**
   * Runs the JSON paths of a publish once on synthetic, non-secret data (SnapStart priming): the
   * publish secret parser, the item writer and the confirmation reader. No network, no randomness
   * (neither the EdgeGrid signer, whose nonce is random, nor the AES-GCM wrap runs).
   *
   * @return the kid read back from the synthetic item
   */
  public static String primeJson() {
    PublishSecret secret = PublishSecret.parse("{\"host\":\"akab-priming.luna.akamaiapis.net\","
        + "\"client_token\":\"priming\",\"client_secret\":\"priming\",\"access_token\":\"priming\","
        + "\"wrapping_key\":\"" + "A".repeat(43) + "\"}");
    secret.baseUri().resolve(new EdgeKvTarget("priming", "priming", "priming", java.util.List.of("staging"))
        .path("staging"));
    try (EdgeKey key = new EdgeKey("priming", "HS256", new byte[KeyWrapper.WRAPPING_KEY_BYTES], 0)) {
      return kidOf(new String(itemJson(key, "priming"), StandardCharsets.UTF_8));
    }
  }

  static byte[] itemJson(EdgeKey key, String wrapped) {
    StringWriter out = new StringWriter();
    try (JsonGenerator json = JsonLimits.FACTORY.createGenerator(out)) {
      json.writeStartObject();
      json.writeNumberField("v", ITEM_FORMAT_VERSION);
      json.writeStringField("kid", key.kid());
      json.writeStringField("alg", key.alg());
      json.writeStringField("k", wrapped);
      json.writeNumberField("exp", key.notAfter());
      json.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  private void confirm(ClientCredential credential, URI uri, String kid, String network, long deadline)
      throws EdgePublishException {
    String seen = "nothing";
    for (int attempt = 1; attempt <= timing.confirmAttempts(); attempt++) {
      HttpResponse<String> response = send(credential, "GET", uri, null, network, "confirm", deadline);
      String found = kidOf(response.body());
      if (kid.equals(found)) {
        return;
      }
      seen = found == null ? "an item without a readable kid" : "kid " + found;
      if (attempt < timing.confirmAttempts()) {
        pause(timing.confirmDelay(), network, "confirm (item still returns " + seen + ")", deadline);
      }
    }
    throw new EdgePublishException("EdgeKV " + network + ": item still returns " + seen + " instead of kid " + kid
        + " after " + timing.confirmAttempts() + " reads");
  }

  private static String kidOf(String body) {
    try {
      JsonNode node = RotationJson.MAPPER.readTree(body);
      JsonNode kid = node == null ? null : node.get("kid");
      return kid != null && kid.isTextual() ? kid.asText() : null;
    } catch (IOException e) {
      return null;
    }
  }

  private HttpResponse<String> send(ClientCredential credential, String method, URI uri, byte[] body,
                                    String network, String step, long deadline) throws EdgePublishException {
    Duration backoff = timing.firstBackoff();
    String lastProblem = "";
    for (int attempt = 1; attempt <= timing.maxAttempts(); attempt++) {
      long left = deadline - nanoTime.getAsLong();
      if (left <= 0) {
        throw outOfTime(network, step + (lastProblem.isEmpty() ? "" : " (last: " + lastProblem + ")"));
      }
      Duration requestTimeout = Duration.ofNanos(Math.min(timing.requestTimeout().toNanos(), left));
      try {
        HttpResponse<String> response = http().send(signed(credential, method, uri, body, requestTimeout),
            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
          return response;
        }
        lastProblem = "HTTP " + status + " " + snippet(response.body());
        if (status != 429 && status < 500) {
          throw new EdgePublishException("EdgeKV " + network + " " + step + " (" + method + " " + uri.getRawPath()
              + ") failed: " + lastProblem);
        }
      } catch (IOException e) {
        lastProblem = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new EdgePublishException("interrupted while publishing to EdgeKV " + network, e);
      }
      if (attempt < timing.maxAttempts()) {
        LOG.warn("EdgeKV {} {} attempt {}/{} failed ({}), retrying", network, step, attempt, timing.maxAttempts(),
            lastProblem);
        pause(backoff, network, step + " (last: " + lastProblem + ")", deadline);
        backoff = backoff.multipliedBy(2);
      }
    }
    throw new EdgePublishException("EdgeKV " + network + " " + step + " (" + method + " " + uri.getRawPath()
        + ") failed after " + timing.maxAttempts() + " attempts: " + lastProblem);
  }

  private void pause(Duration duration, String network, String step, long deadline) throws EdgePublishException {
    if (nanoTime.getAsLong() + duration.toNanos() >= deadline) {
      throw outOfTime(network, step);
    }
    try {
      sleeper.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EdgePublishException("interrupted while publishing to EdgeKV " + network, e);
    }
  }

  private EdgePublishException outOfTime(String network, String step) {
    return new EdgePublishException("EdgeKV " + network + " " + step + ": gave up at the publish's time budget of "
        + timing.totalBudget().toSeconds() + " s");
  }

  private HttpRequest signed(ClientCredential credential, String method, URI uri, byte[] body, Duration timeout)
      throws EdgePublishException {
    Request.RequestBuilder toSign = Request.builder().method(method).uri(uri);
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout)
        .header("Accept", "application/json");
    if (body != null) {
      toSign.body(body).header("Content-Type", "application/json");
      request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofByteArray(body));
    } else {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    }
    try {
      return request.header("Authorization", new EdgeGridV1Signer().getSignature(toSign.build(), credential)).build();
    } catch (RequestSigningException e) {
      throw new EdgePublishException("cannot sign the EdgeKV request: " + e.getMessage(), e);
    }
  }

  /** A short, single-line excerpt of an error body for the failure message. */
  private static String snippet(String body) {
    if (body == null || body.isBlank()) {
      return "";
    }
    String flat = body.replaceAll("[\\r\\n\\t]+", " ").strip();
    return "(" + (flat.length() > 200 ? flat.substring(0, 200) + "..." : flat) + ")";
  }
}
