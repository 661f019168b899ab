package dev.edgeperimeter.shared.aws.direct;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.edgeperimeter.shared.aws.AwsEnvironment;
import dev.edgeperimeter.shared.json.JsonLimits;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.zip.CRC32;

/**
 * One AWS JSON-protocol service (DynamoDB, KMS) called directly: each call is a signed
 * {@code POST /} with {@code X-Amz-Target: <prefix>.<Operation>}, sent with the JDK's
 * {@link HttpURLConnection} (keep-alive, no socket until the first call, so nothing is held across
 * a SnapStart restore). Retries like the SDK's standard mode, on throttling, 5xx and I/O errors,
 * with jittered exponential backoff inside a per-call deadline; a DynamoDB response whose
 * {@code x-amz-crc32} does not match its body is treated as a transient error.
 */
public final class AwsJsonClient {

  /** The JSON-protocol services the functions call directly. */
  public record Service(String name, String signingName, String targetPrefix, String contentType) {
    public static final Service DYNAMODB = new Service("DynamoDB", "dynamodb", "DynamoDB_20120810",
        "application/x-amz-json-1.0");
    public static final Service KMS = new Service("KMS", "kms", "TrentService", "application/x-amz-json-1.1");
  }

  /**
   * Timeouts and retries. {@code onCall} sees {@code Service.Operation} before every attempt (tests
   * count calls with it).
   */
  public record Options(Duration connectTimeout, Duration readTimeout, Duration callTimeout, int maxAttempts,
      Duration baseBackoff, Consumer<String> onCall) {
    public Options {
      if (maxAttempts < 1 || connectTimeout.isNegative() || readTimeout.isNegative() || callTimeout.isNegative()
          || baseBackoff.isNegative() || onCall == null) {
        throw new IllegalArgumentException("invalid AWS call options: at least one attempt, no negative durations");
      }
    }

    public static final Options DEFAULT = new Options(Duration.ofSeconds(2), Duration.ofSeconds(5),
        Duration.ofSeconds(10), 3, Duration.ofMillis(25), NoObserver.INSTANCE);

    public Options withTimeouts(Duration connect, Duration read, Duration call) {
      return new Options(connect, read, call, maxAttempts, baseBackoff, onCall);
    }

    public Options withMaxAttempts(int attempts) {
      return new Options(connectTimeout, readTimeout, callTimeout, attempts, baseBackoff, onCall);
    }

    public Options withObserver(Consumer<String> observer) {
      return new Options(connectTimeout, readTimeout, callTimeout, maxAttempts, baseBackoff, observer);
    }
  }

  /** The default observer: ignores every call. */
  private static final class NoObserver implements Consumer<String> {
    static final NoObserver INSTANCE = new NoObserver();

    @Override
    public void accept(String operation) {
    }
  }

  private static final int MAX_RESPONSE_BYTES = 16 * 1024 * 1024;
  private static final String USER_AGENT = "edge-perimeter/1.0 (direct; java/" + Runtime.version().feature() + ")";
  private static final Set<String> THROTTLING = Set.of("ThrottlingException", "Throttling", "ThrottledException",
      "RequestThrottledException", "TooManyRequestsException", "ProvisionedThroughputExceededException",
      "RequestLimitExceeded", "LimitExceededException", "BandwidthLimitExceeded", "RequestThrottled",
      "SlowDown", "PriorRequestNotComplete", "EC2ThrottledException", "TransactionInProgressException");
  private static final Set<String> EXPIRED = Set.of("ExpiredToken", "ExpiredTokenException",
      "RequestExpired", "InvalidSignatureException", "UnrecognizedClientException");

  private final Service service;
  private final String region;
  private final URI endpoint;
  private final CredentialsSource credentials;
  private final Options options;
  private final Clock clock;

  public AwsJsonClient(Service service, AwsEnvironment where, CredentialsSource credentials, Options options) {
    this(service, where, credentials, options, Clock.systemUTC());
  }

  AwsJsonClient(Service service, AwsEnvironment where, CredentialsSource credentials, Options options, Clock clock) {
    this.service = service;
    this.region = where.region();
    this.endpoint = where.endpointOverride().isPresent() ? where.endpointOverride().get()
        : defaultEndpoint(service, where.region());
    this.credentials = credentials;
    this.options = options;
    this.clock = clock;
  }

  /**
   * {@code https://<service>.<region>.<domain>}: {@code amazonaws.com}, or the partition's own domain
   * in the China, ISO and European Sovereign Cloud regions.
   */
  public static URI defaultEndpoint(Service service, String region) {
    String suffix = region.startsWith("cn-") ? "amazonaws.com.cn"
        : region.startsWith("us-isob-") ? "sc2s.sgov.gov"
        : region.startsWith("us-iso-") ? "c2s.ic.gov"
        : region.startsWith("eusc-") ? "amazonaws.eu"
        : "amazonaws.com";
    return URI.create("https://" + service.signingName() + "." + region + "." + suffix);
  }

  public URI endpoint() {
    return endpoint;
  }

  /**
   * Calls {@code operation} with a JSON request body and returns the JSON response body.
   *
   * @throws AwsCallException when AWS refused the call or no attempt got an answer in time
   */
  public byte[] call(String operation, byte[] body) {
    String name = service.name() + "." + operation;
    long deadline = System.nanoTime() + options.callTimeout().toNanos();
    AwsCallException last = null;
    boolean refreshedCredentials = false;
    for (int attempt = 1; attempt <= options.maxAttempts(); attempt++) {
      if (attempt > 1 && !sleepBeforeRetry(attempt, deadline)) {
        break;
      }
      long remainingMillis = (deadline - System.nanoTime()) / 1_000_000;
      if (remainingMillis < 1) {
        break;
      }
      options.onCall().accept(name);
      try {
        return attempt(name, operation, body, remainingMillis);
      } catch (AwsCallException e) {
        last = e;
        if (e.errorCode() != null && EXPIRED.contains(e.errorCode()) && !refreshedCredentials) {
          credentials.forget(); // fetch fresh credentials once, then try again
          refreshedCredentials = true;
          continue;
        }
        if (!e.retryable()) {
          throw e;
        }
      }
    }
    if (last == null) {
      last = new AwsCallException(name, 0, null, "no attempt fitted in the call timeout of "
          + options.callTimeout().toMillis() + " ms", true, null);
    }
    throw last;
  }

  /** One attempt; its connect and read timeouts never exceed what is left of the call's deadline. */
  private byte[] attempt(String name, String operation, byte[] body, long remainingMillis) {
    SigningCredentials creds = credentials.resolve();
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", service.contentType());
    headers.put("X-Amz-Target", service.targetPrefix() + "." + operation);
    Map<String, String> signed = SigV4.sign("POST", endpoint, headers, body, region, service.signingName(), creds,
        clock.instant());
    int status = 0;
    try {
      HttpURLConnection c = (HttpURLConnection) endpoint.toURL().openConnection();
      c.setRequestMethod("POST");
      c.setConnectTimeout((int) Math.max(1, Math.min(options.connectTimeout().toMillis(), remainingMillis)));
      c.setReadTimeout((int) Math.max(1, Math.min(options.readTimeout().toMillis(), remainingMillis)));
      c.setInstanceFollowRedirects(false);
      c.setUseCaches(false);
      c.setDoOutput(true);
      c.setFixedLengthStreamingMode(body.length);
      for (Map.Entry<String, String> h : headers.entrySet()) {
        c.setRequestProperty(h.getKey(), h.getValue());
      }
      for (Map.Entry<String, String> h : signed.entrySet()) {
        c.setRequestProperty(h.getKey(), h.getValue());
      }
      c.setRequestProperty("User-Agent", USER_AGENT);
      c.setRequestProperty("Accept-Encoding", "identity");
      try (OutputStream out = c.getOutputStream()) {
        out.write(body);
      }
      status = c.getResponseCode();
      byte[] response;
      try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
        response = in == null ? new byte[0] : readBounded(in);
      }
      if (status == 200) {
        checkCrc32(name, c.getHeaderField("x-amz-crc32"), response);
        return response;
      }
      throw error(name, status, response, c.getHeaderField("x-amzn-ErrorType"));
    } catch (IOException e) {
      throw new AwsCallException(name, status, null, e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : " " + e.getMessage()), true, e);
    }
  }

  private static byte[] readBounded(InputStream in) throws IOException {
    byte[] bytes = in.readNBytes(MAX_RESPONSE_BYTES + 1);
    if (bytes.length > MAX_RESPONSE_BYTES) {
      throw new IOException("response larger than " + MAX_RESPONSE_BYTES + " bytes");
    }
    return bytes;
  }

  private static void checkCrc32(String name, String header, byte[] response) {
    if (header == null) {
      return;
    }
    CRC32 crc = new CRC32();
    crc.update(response);
    if (!Long.toString(crc.getValue()).equals(header.trim())) {
      throw new AwsCallException(name, 200, null, "response CRC32 mismatch (damaged in transit)", true, null);
    }
  }

  /** Maps an error response: {@code __type} (after any {@code #}) or the {@code x-amzn-ErrorType} header. */
  static AwsCallException error(String name, int status, byte[] body, String errorTypeHeader) {
    String code = null;
    String message = null;
    try (JsonParser p = JsonLimits.FACTORY.createParser(body)) {
      if (p.nextToken() == JsonToken.START_OBJECT) {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String field = p.currentName();
          if (p.nextToken() != JsonToken.VALUE_STRING) {
            p.skipChildren();
            continue;
          }
          if (field.equals("__type") || field.equalsIgnoreCase("code")) {
            code = p.getText();
          } else if (field.equalsIgnoreCase("message")) {
            message = p.getText();
          }
        }
      }
    } catch (IOException | RuntimeException notJson) {
      // keep whatever was read; the status alone still says enough
    }
    if (code == null && errorTypeHeader != null) {
      code = errorTypeHeader;
    }
    if (code != null) {
      code = code.substring(code.lastIndexOf('#') + 1);
      int colon = code.indexOf(':');
      code = colon >= 0 ? code.substring(0, colon) : code;
    }
    if (message != null) {
      int newline = message.indexOf('\n');
      if (newline >= 0) {
        message = message.substring(0, newline); // InvalidSignatureException appends the canonical request
      }
      if (message.length() > 300) {
        message = message.substring(0, 300) + "...";
      }
    }
    boolean retryable = status >= 500 || status == 429 || (code != null && THROTTLING.contains(code));
    return new AwsCallException(name, status, code, message, retryable, null);
  }

  /** Sleeps a jittered exponential backoff; false when it would pass the deadline. */
  private boolean sleepBeforeRetry(int attempt, long deadline) {
    long base = options.baseBackoff().toNanos() << Math.min(attempt - 2, 10);
    // jitter from the clock, not from a seeded generator a SnapStart snapshot would share
    long mix = System.nanoTime() * 0x9E3779B97F4A7C15L;
    long delay = base / 2 + Math.floorMod(mix ^ (mix >>> 29), Math.max(1, base / 2));
    if (System.nanoTime() + delay >= deadline) {
      return false;
    }
    try {
      Thread.sleep(Duration.ofNanos(delay));
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
