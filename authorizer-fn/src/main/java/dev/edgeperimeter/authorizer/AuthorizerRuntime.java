package dev.edgeperimeter.authorizer;

import com.amazonaws.services.lambda.runtime.Context;
import dev.edgeperimeter.authorizer.assertion.EdgeAssertionVerifier;
import dev.edgeperimeter.authorizer.core.AuthRequest;
import dev.edgeperimeter.authorizer.core.AuthorizerConfig;
import dev.edgeperimeter.authorizer.core.AuthorizerConfig.AuthMode;
import dev.edgeperimeter.authorizer.core.AuthorizerConfig.HttpApiResponse;
import dev.edgeperimeter.authorizer.core.AuthorizerCore;
import dev.edgeperimeter.authorizer.core.Decision;
import dev.edgeperimeter.authorizer.core.Reason;
import dev.edgeperimeter.authorizer.core.Rejection;
import dev.edgeperimeter.authorizer.event.EventParser;
import dev.edgeperimeter.authorizer.event.EventType;
import dev.edgeperimeter.authorizer.event.ResponseWriter;
import dev.edgeperimeter.authorizer.keys.EdgeKeyCache;
import dev.edgeperimeter.authorizer.telemetry.Telemetry;
import dev.edgeperimeter.authorizer.usertoken.HttpJwksFetcher;
import dev.edgeperimeter.authorizer.usertoken.JwksCache;
import dev.edgeperimeter.authorizer.usertoken.JwksFetcher;
import dev.edgeperimeter.authorizer.usertoken.UserTokenVerifier;
import dev.edgeperimeter.shared.aws.AwsClients;
import dev.edgeperimeter.shared.aws.AwsSettings;
import dev.edgeperimeter.shared.config.Env;
import dev.edgeperimeter.shared.keys.KeyMaterialCipher;
import dev.edgeperimeter.shared.keys.KeyStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * Everything an authorizer container holds once: configuration, AWS clients, the key and JWKS
 * caches, the verification core, telemetry and SnapStart priming. The three handlers share one
 * instance ({@link #shared()}, built from the environment at class init) and differ only in the
 * event shape they read and the answer they write.
 */
public final class AuthorizerRuntime {
  /** How long a fetched JWKS is used before the next lookup refreshes it. */
  public static final Duration JWKS_REFRESH_AFTER = Duration.ofMinutes(5);

  private final AuthorizerConfig config;
  private final AuthorizerCore core;
  private final Telemetry telemetry;
  private final EdgeKeyCache keys;
  private final JwksCache jwks;
  private final Supplier<KmsClient> kms;
  private final Priming priming;
  private final AtomicBoolean coldStart = new AtomicBoolean(true);
  private volatile List<Thread> warmUp = List.of();

  private AuthorizerRuntime(AuthorizerConfig config, AuthorizerCore core, Telemetry telemetry, EdgeKeyCache keys,
      JwksCache jwks, Supplier<KmsClient> kms) {
    this.config = config;
    this.core = core;
    this.telemetry = telemetry;
    this.keys = keys;
    this.jwks = jwks;
    this.kms = kms;
    this.priming = new Priming(this);
  }

  /** The container's runtime, built from the environment on first use (handler class init). */
  public static AuthorizerRuntime shared() {
    return Holder.INSTANCE;
  }

  private static final class Holder {
    static final AuthorizerRuntime INSTANCE = fromEnvironment();

    private static AuthorizerRuntime fromEnvironment() {
      Env env = Env.system();
      AuthorizerConfig config = AuthorizerConfig.fromEnv(env);
      AwsSettings settings = AwsSettings.fromEnvironment(env); // validated here, at init
      // the HTTP client (TLS trust store) and the SDK clients are built on the warm-up threads
      Lazy<AwsClients> clients = new Lazy<>(() -> new AwsClients(settings));
      AuthorizerRuntime runtime = create(config, new Lazy<>(() -> clients.get().dynamoDb()),
          new Lazy<>(() -> clients.get().kms()), Clock.systemUTC(), Telemetry.stdout(), null);
      runtime.priming.register();
      runtime.startWarmUp();
      return runtime;
    }
  }

  /**
   * Builds a runtime. The SDK clients are built on first use (the key set's first load, or
   * {@link #startWarmUp()}), not here.
   *
   * @param jwksFetcher the JWKS source; {@code null} for HTTPS from {@code OIDC_JWKS_URL} or discovery
   */
  public static AuthorizerRuntime create(AuthorizerConfig config, AwsClients clients, Clock clock,
      Consumer<String> sink, JwksFetcher jwksFetcher) {
    return create(config, new Lazy<>(clients::dynamoDb), new Lazy<>(clients::kms), clock, sink, jwksFetcher);
  }

  /** Builds a runtime on given clients (tests count their calls). */
  public static AuthorizerRuntime create(AuthorizerConfig config, DynamoDbClient dynamo, KmsClient kms, Clock clock,
      Consumer<String> sink, JwksFetcher jwksFetcher) {
    return create(config, () -> dynamo, () -> kms, clock, sink, jwksFetcher);
  }

  private static AuthorizerRuntime create(AuthorizerConfig config, Supplier<DynamoDbClient> dynamo,
      Supplier<KmsClient> kms, Clock clock, Consumer<String> sink, JwksFetcher jwksFetcher) {
    Telemetry telemetry = new Telemetry(config.serviceName(), config.metricsNamespace(),
        Telemetry.level(config.logLevel()), sink, clock);
    String keySet = config.keySet();
    Lazy<KeyStore> store = new Lazy<>(() -> new KeyStore(dynamo.get(), config.keyTableName()));
    Lazy<KeyMaterialCipher> cipher = new Lazy<>(() -> new KeyMaterialCipher(kms.get(), config.kmsKeyId().orElse(null)));
    EdgeKeyCache keys = new EdgeKeyCache(keySet, () -> store.get().load(keySet),
        (set, kid, ciphertext) -> cipher.get().decrypt(set, kid, ciphertext), clock, config.keyCacheTtl(),
        config.maxStaleness(), telemetry::warn);
    EdgeAssertionVerifier assertions = new EdgeAssertionVerifier(config.edgeIssuers(), config.edgeAudience(),
        config.clockSkew(), config.maxAssertionLifetime(), keys, clock);
    JwksCache jwks = null;
    UserTokenVerifier users = null;
    if (config.mode() == AuthMode.EDGE_JWT) {
      JwksFetcher fetcher = jwksFetcher != null ? jwksFetcher
          : new HttpJwksFetcher(config.oidcIssuer().orElseThrow(), config.oidcJwksUrl());
      jwks = new JwksCache(fetcher, clock, JWKS_REFRESH_AFTER, config.maxStaleness(), telemetry::warn);
      users = new UserTokenVerifier(config.oidcIssuer().orElseThrow(), config.oidcAudiences(), config.tokenUse(),
          config.requiredClaims(), config.clockSkew(), config.tokenCacheTtl(), jwks, clock);
    }
    AuthorizerCore core = new AuthorizerCore(config.mode(), assertions, users, config.routeScopes());
    return new AuthorizerRuntime(config, core, telemetry, keys, jwks, kms);
  }

  /**
   * Cold start: starts loading what the first request needs on short-lived background threads, so
   * that the network round trips and the class loading behind them overlap with each other, with the
   * rest of init and with the first event's parsing - the key set (DynamoDB query, then KMS decrypt),
   * the KMS client (built beside the DynamoDB one) and the JWKS. The first request waits for these
   * loads through the caches' single flight instead of starting its own; a failed load is reported
   * and simply retried by that request. Called once, from the environment-built runtime.
   */
  void startWarmUp() {
    List<Thread> threads = new ArrayList<>(3);
    threads.add(background("authorizer-warm-up-keys", keys::prefetch));
    threads.add(background("authorizer-warm-up-kms", kms::get));
    if (jwks != null) {
      threads.add(background("authorizer-warm-up-jwks", jwks::prefetch));
    }
    warmUp = List.copyOf(threads);
  }

  /**
   * Waits up to {@code timeout} for the warm-up threads (before a SnapStart snapshot: none may be
   * running when the JVM is frozen).
   *
   * @return whether every warm-up thread has finished
   */
  boolean awaitWarmUp(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (Thread t : warmUp) {
      long left = deadline - System.nanoTime();
      try {
        if (left <= 0 || !t.join(Duration.ofNanos(left))) {
          return false;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  private static Thread background(String name, Supplier<?> task) {
    return Thread.ofPlatform().name(name).daemon().start(() -> {
      try {
        task.get();
      } catch (RuntimeException | LinkageError ignored) {
        // the caches report their own failures; the first request retries
      }
    });
  }

  /** A value built once, on first use, by whichever thread asks first; a failed build is retried. */
  private static final class Lazy<T> implements Supplier<T> {
    private final Supplier<T> factory;
    private volatile T value;

    Lazy(Supplier<T> factory) {
      this.factory = factory;
    }

    @Override
    public T get() {
      T v = value;
      if (v == null) {
        synchronized (this) {
          v = value;
          if (v == null) {
            v = factory.get();
            value = v;
          }
        }
      }
      return v;
    }
  }

  public AuthorizerConfig config() {
    return config;
  }

  public AuthorizerCore core() {
    return core;
  }

  public Telemetry telemetry() {
    return telemetry;
  }

  public EdgeKeyCache keys() {
    return keys;
  }

  /** The JWKS cache, {@code null} in {@code edge} mode. */
  public JwksCache jwks() {
    return jwks;
  }

  public Priming priming() {
    return priming;
  }

  /**
   * Handles one invocation: parse {@code type}, decide, log and count, answer. Throws only
   * {@code RuntimeException("Unauthorized")} (API Gateway's 401), or the {@link IOException} of a
   * broken output stream.
   */
  public void handle(EventType type, InputStream input, OutputStream output, Context context) throws IOException {
    long start = System.nanoTime();
    boolean policyResponse = type != EventType.HTTP_API || config.httpApiResponse() == HttpApiResponse.IAM;
    Decision decision;
    try {
      byte[] event = input.readNBytes(EventParser.MAX_EVENT_BYTES + 1);
      AuthRequest request = EventParser.parse(type, event, policyResponse);
      decision = core.decide(request);
    } catch (Rejection r) {
      decision = Decision.unauthorized(r.reason());
    } catch (IOException | RuntimeException | StackOverflowError e) {
      decision = Decision.unauthorized(Reason.INTERNAL_ERROR);
      safeLog(() -> telemetry.log(Telemetry.Level.ERROR, "authorizer failed on an event", invocation(context),
          Map.of("error", e.getClass().getName())));
    }
    long micros = (System.nanoTime() - start) / 1000;
    Decision logged = decision;
    safeLog(() -> telemetry.decision(invocation(context), type.name(), logged, micros));
    if (decision.outcome() == Decision.Outcome.UNAUTHORIZED && policyResponse) {
      throw new RuntimeException("Unauthorized");
    }
    if (policyResponse) {
      ResponseWriter.policy(decision, output);
    } else {
      ResponseWriter.simple(decision, output);
    }
  }

  private Telemetry.Invocation invocation(Context context) {
    boolean cold = coldStart.getAndSet(false);
    if (context == null) {
      return new Telemetry.Invocation(null, cold, null, null, null, 0);
    }
    return new Telemetry.Invocation(context.getAwsRequestId(), cold, context.getFunctionName(),
        context.getFunctionVersion(), context.getInvokedFunctionArn(), context.getMemoryLimitInMB());
  }

  private static void safeLog(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException ignored) {
      // telemetry must never change an answer
    }
  }
}
