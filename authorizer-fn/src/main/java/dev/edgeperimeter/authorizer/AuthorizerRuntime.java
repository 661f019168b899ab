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
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
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
  private final Priming priming;
  private final AtomicBoolean coldStart = new AtomicBoolean(true);

  private AuthorizerRuntime(AuthorizerConfig config, AuthorizerCore core, Telemetry telemetry, EdgeKeyCache keys,
      JwksCache jwks) {
    this.config = config;
    this.core = core;
    this.telemetry = telemetry;
    this.keys = keys;
    this.jwks = jwks;
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
      AuthorizerRuntime runtime = create(config, new AwsClients(AwsSettings.fromEnvironment(env)), Clock.systemUTC(),
          Telemetry.stdout(), null);
      runtime.priming.register();
      return runtime;
    }
  }

  /**
   * Builds a runtime.
   *
   * @param jwksFetcher the JWKS source; {@code null} for HTTPS from {@code OIDC_JWKS_URL} or discovery
   */
  public static AuthorizerRuntime create(AuthorizerConfig config, AwsClients clients, Clock clock,
      Consumer<String> sink, JwksFetcher jwksFetcher) {
    return create(config, clients.dynamoDb(), clients.kms(), clock, sink, jwksFetcher);
  }

  /** Builds a runtime on given clients (tests count their calls). */
  public static AuthorizerRuntime create(AuthorizerConfig config, DynamoDbClient dynamo, KmsClient kms, Clock clock,
      Consumer<String> sink, JwksFetcher jwksFetcher) {
    Telemetry telemetry = new Telemetry(config.serviceName(), config.metricsNamespace(),
        Telemetry.level(config.logLevel()), sink, clock);
    KeyStore store = new KeyStore(dynamo, config.keyTableName());
    KeyMaterialCipher cipher = new KeyMaterialCipher(kms, config.kmsKeyId().orElse(null));
    EdgeKeyCache keys = new EdgeKeyCache(config.keySet(), () -> store.load(config.keySet()), cipher::decrypt, clock,
        config.keyCacheTtl(), config.maxStaleness(), telemetry::warn);
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
    return new AuthorizerRuntime(config, core, telemetry, keys, jwks);
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
