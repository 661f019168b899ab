package dev.edgeperimeter.authorizer;

import com.amazonaws.services.lambda.runtime.Context;
import dev.edgeperimeter.authorizer.assertion.EdgeAssertionVerifier;
import dev.edgeperimeter.authorizer.core.AuthRequest;
import dev.edgeperimeter.authorizer.core.AuthorizerConfig;
import dev.edgeperimeter.authorizer.core.AuthorizerConfig.AuthMode;
import dev.edgeperimeter.authorizer.core.AuthorizerConfig.HttpApiResponse;
import dev.edgeperimeter.authorizer.core.AuthorizerConfig.SignatureProvider;
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
import dev.edgeperimeter.authorizer.usertoken.SignatureProviders;
import dev.edgeperimeter.authorizer.usertoken.UserTokenVerifier;
import dev.edgeperimeter.shared.aws.AwsEnvironment;
import dev.edgeperimeter.shared.aws.direct.AwsJsonClient;
import dev.edgeperimeter.shared.aws.direct.CredentialsSource;
import dev.edgeperimeter.shared.config.Env;
import dev.edgeperimeter.shared.keys.KeyRecord;
import dev.edgeperimeter.shared.keys.KeySetSource;
import dev.edgeperimeter.shared.keys.KeyStoreOverHttp;
import dev.edgeperimeter.shared.keys.KmsDecryptOverHttp;
import dev.edgeperimeter.shared.keys.MaterialDecrypter;
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

/**
 * Everything an authorizer container holds once: configuration, the key-table and KMS callers, the key and JWKS
 * caches, the verification core, telemetry and SnapStart priming. The three handlers share one
 * instance ({@link #shared()}, built from the environment at class init) and differ only in the
 * event shape they read and the answer they write.
 *
 * <p>The init path (this class, the caches, the signed AWS calls) uses anonymous classes rather
 * than lambdas or method references: a JVM spins each lambda's class at its first use (about
 * 0.3 ms apiece; there were dozens), which {@code ./bench}'s cold-start row measured.
 */
public final class AuthorizerRuntime {
  /**
   * The authorizer's DynamoDB and KMS calls: each bounded to 2.5 s (connect 1 s, read 2 s, up to 3
   * attempts inside that), so that a key refresh on a request's path - a query and a decrypt -
   * ends well inside the function's 6 s timeout, with the cached keys or a 401, never a timeout.
   */
  public static final AwsJsonClient.Options AWS_CALLS = AwsJsonClient.Options.DEFAULT.withTimeouts(
      Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofMillis(2500));

  /** How long a fetched JWKS is used before the next lookup refreshes it. */
  public static final Duration JWKS_REFRESH_AFTER = Duration.ofMinutes(5);

  private final AuthorizerConfig config;
  private final AuthorizerCore core;
  private final Telemetry telemetry;
  private final EdgeKeyCache keys;
  private final JwksCache jwks;
  private final CredentialsSource credentials;
  private final Priming priming;
  private final AtomicBoolean coldStart = new AtomicBoolean(true);
  /** Set in Lambda (SIGNATURE_PROVIDER=accp): the first response starts loading ACCP in the background. */
  private volatile boolean loadSignatureProviderAfterFirstResponse;
  private volatile List<Thread> warmUp = List.of();

  private AuthorizerRuntime(AuthorizerConfig config, AuthorizerCore core, Telemetry telemetry, EdgeKeyCache keys,
      JwksCache jwks, CredentialsSource credentials) {
    this.config = config;
    this.core = core;
    this.telemetry = telemetry;
    this.keys = keys;
    this.jwks = jwks;
    this.credentials = credentials;
    this.priming = new Priming(this);
  }

  /** The container's runtime, built from the environment on first use (handler class init). */
  public static AuthorizerRuntime shared() {
    return Holder.INSTANCE;
  }

  private static final class Holder {
    static final AuthorizerRuntime INSTANCE = fromEnvironment();

    private static AuthorizerRuntime fromEnvironment() {
      Thread preload = ColdStartPreload.start();
      Env env = Env.system();
      AuthorizerConfig config = AuthorizerConfig.fromEnv(env);
      AwsEnvironment aws = AwsEnvironment.fromEnvironment(env); // validated here, at init
      AuthorizerRuntime runtime = create(config, aws, CredentialsSource.lambdaChain(env), AWS_CALLS,
          Clock.systemUTC(), Telemetry.stdout(), null, true);
      List<Thread> warming = new ArrayList<>(runtime.warmUp);
      warming.add(preload);
      runtime.warmUp = List.copyOf(warming);
      runtime.loadSignatureProviderAfterFirstResponse = config.signatureProvider() == SignatureProvider.ACCP
          && config.mode() == AuthMode.EDGE_JWT;
      runtime.priming.register();
      return runtime;
    }
  }

  /**
   * Builds a runtime that reads the key table and decrypts key material with direct, signed calls
   * to DynamoDB and KMS ({@code shared/aws/direct}; the authorizer carries no AWS SDK).
   *
   * @param jwksFetcher the JWKS source; {@code null} for HTTPS from {@code OIDC_JWKS_URL} or discovery
   */
  public static AuthorizerRuntime create(AuthorizerConfig config, AwsEnvironment aws, CredentialsSource credentials,
      AwsJsonClient.Options options, Clock clock, Consumer<String> sink, JwksFetcher jwksFetcher) {
    return create(config, aws, credentials, options, clock, sink, jwksFetcher, false);
  }

  private static AuthorizerRuntime create(AuthorizerConfig config, AwsEnvironment aws, CredentialsSource credentials,
      AwsJsonClient.Options options, Clock clock, Consumer<String> sink, JwksFetcher jwksFetcher, boolean warmUp) {
    KeyStoreOverHttp store = new KeyStoreOverHttp(
        new AwsJsonClient(AwsJsonClient.Service.DYNAMODB, aws, credentials, options), config.keyTableName());
    KmsDecryptOverHttp kms = new KmsDecryptOverHttp(
        new AwsJsonClient(AwsJsonClient.Service.KMS, aws, credentials, options), config.kmsKeyId().orElse(null));
    return create(config, store, kms, credentials, clock, sink, jwksFetcher, warmUp);
  }

  /** Builds a runtime on any key source and decrypter (tests read the table with the SDK this way). */
  public static AuthorizerRuntime create(AuthorizerConfig config, KeySetSource keyRows, MaterialDecrypter decrypter,
      Clock clock, Consumer<String> sink, JwksFetcher jwksFetcher) {
    return create(config, keyRows, decrypter, null, clock, sink, jwksFetcher, false);
  }

  private static AuthorizerRuntime create(AuthorizerConfig config, KeySetSource keyRows, MaterialDecrypter decrypter,
      CredentialsSource credentials, Clock clock, Consumer<String> sink, JwksFetcher jwksFetcher, boolean warmUp) {
    Telemetry telemetry = new Telemetry(config.serviceName(), config.metricsNamespace(),
        Telemetry.level(config.logLevel()), sink, clock);
    String keySet = config.keySet();
    Consumer<String> warnings = new Consumer<>() {
      @Override
      public void accept(String message) {
        telemetry.warn(message);
      }
    };
    EdgeKeyCache keys = new EdgeKeyCache(keySet, new Supplier<>() {
      @Override
      public List<KeyRecord> get() {
        return keyRows.load(keySet);
      }
    }, decrypter, clock, config.keyCacheTtl(), config.maxStaleness(), warnings);
    JwksCache jwks = null;
    if (config.mode() == AuthMode.EDGE_JWT) {
      JwksFetcher fetcher = jwksFetcher != null ? jwksFetcher
          : new HttpJwksFetcher(config.oidcIssuer().orElseThrow(), config.oidcJwksUrl());
      jwks = new JwksCache(fetcher, clock, JWKS_REFRESH_AFTER, config.maxStaleness(), warnings);
    }
    List<Thread> warming = warmUp ? startWarmUp(keys, jwks) : List.of();
    EdgeAssertionVerifier assertions = new EdgeAssertionVerifier(config.edgeIssuers(), config.edgeAudience(),
        config.clockSkew(), config.maxAssertionLifetime(), keys, clock);
    UserTokenVerifier users = jwks == null ? null
        : new UserTokenVerifier(config.oidcIssuer().orElseThrow(), config.oidcAudiences(), config.tokenUse(),
            config.requiredClaims(), config.clockSkew(), config.tokenCacheTtl(), jwks, clock, config.signatureProvider());
    AuthorizerCore core = new AuthorizerCore(config.mode(), assertions, users, config.routeScopes());
    AuthorizerRuntime runtime = new AuthorizerRuntime(config, core, telemetry, keys, jwks, credentials);
    runtime.warmUp = warming;
    return runtime;
  }

  /**
   * Cold start: starts loading what the first request needs on short-lived background threads as
   * soon as the caches exist, so that the network round trips and the class loading behind them
   * overlap with each other, with the rest of init and with the first event's parsing - the key
   * set (DynamoDB query, then KMS decrypt) and the JWKS. The first request waits for these loads
   * through the caches' single flight instead of starting its own; a failed load is reported and
   * simply retried by that request. Only the environment-built runtime warms up.
   */
  private static List<Thread> startWarmUp(EdgeKeyCache keys, JwksCache jwks) {
    List<Thread> threads = new ArrayList<>(2);
    threads.add(background("authorizer-warm-up-keys", new Runnable() {
      @Override
      public void run() {
        keys.prefetch();
      }
    }));
    if (jwks != null) {
      threads.add(background("authorizer-warm-up-jwks", new Runnable() {
        @Override
        public void run() {
          jwks.prefetch();
        }
      }));
    }
    return List.copyOf(threads);
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

  private static Thread background(String name, Runnable task) {
    Thread thread = new Thread(new Runnable() {
      @Override
      public void run() {
        try {
          task.run();
        } catch (RuntimeException | LinkageError ignored) {
          // the caches report their own failures; the first request retries
        }
      }
    }, name);
    thread.setDaemon(true);
    thread.start();
    return thread;
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

  /** After a SnapStart restore: credentials fetched before the snapshot are not reused. */
  void forgetCredentials() {
    if (credentials != null) {
      credentials.forget();
    }
  }

  /**
   * Handles one invocation: parse {@code type}, decide, log and count, answer. Throws only
   * {@code RuntimeException("Unauthorized")} (API Gateway's 401), or the {@link IOException} of a
   * broken output stream.
   */
  public void handle(EventType type, InputStream input, OutputStream output, Context context) throws IOException {
    long start = System.nanoTime();
    Telemetry.Invocation invocation = invocation(context); // once: it consumes the cold-start flag
    boolean policyResponse = type != EventType.HTTP_API || config.httpApiResponse() == HttpApiResponse.IAM;
    Decision decision;
    try {
      byte[] event = input.readNBytes(EventParser.MAX_EVENT_BYTES + 1);
      AuthRequest request = EventParser.parse(type, event, policyResponse);
      decision = core.decide(request);
    } catch (Rejection r) {
      decision = Decision.unauthorized(r.reason());
    } catch (IOException | RuntimeException | StackOverflowError | LinkageError e) {
      decision = Decision.unauthorized(Reason.INTERNAL_ERROR);
      try {
        telemetry.log(Telemetry.Level.ERROR, "authorizer failed on an event", invocation,
            Map.of("error", e.getClass().getName()));
      } catch (RuntimeException ignored) {
        // telemetry must never change an answer
      }
    }
    long micros = (System.nanoTime() - start) / 1000;
    try {
      telemetry.decision(invocation, type.name(), decision, micros);
    } catch (RuntimeException ignored) {
      // telemetry must never change an answer
    }
    if (decision.outcome() == Decision.Outcome.UNAUTHORIZED && policyResponse) {
      afterFirstResponse();
      throw new RuntimeException("Unauthorized");
    }
    try {
      if (policyResponse) {
        ResponseWriter.policy(decision, output);
      } else {
        ResponseWriter.simple(decision, output);
      }
    } finally {
      afterFirstResponse();
    }
  }

  /** Cold start without SnapStart: ACCP loads now, on a background thread, not before the first answer. */
  private void afterFirstResponse() {
    if (loadSignatureProviderAfterFirstResponse) {
      loadSignatureProviderAfterFirstResponse = false;
      SignatureProviders.loadInBackground(new Consumer<>() {
        @Override
        public void accept(String message) {
          telemetry.info(message);
        }
      });
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
}
