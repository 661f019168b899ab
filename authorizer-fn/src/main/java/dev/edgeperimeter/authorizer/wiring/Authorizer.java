package dev.edgeperimeter.authorizer.wiring;

import dev.edgeperimeter.authorizer.assertion.EdgeAssertionVerifier;
import dev.edgeperimeter.authorizer.core.AuthorizerConfig;
import dev.edgeperimeter.authorizer.core.AuthorizerConfig.AuthMode;
import dev.edgeperimeter.authorizer.core.AuthorizerConfig.SignatureProvider;
import dev.edgeperimeter.authorizer.core.AuthorizerCore;
import dev.edgeperimeter.authorizer.keys.EdgeKeyCache;
import dev.edgeperimeter.authorizer.pipeline.AuthorizerPipeline;
import dev.edgeperimeter.authorizer.telemetry.DecisionTelemetry;
import dev.edgeperimeter.authorizer.usertoken.IssuerKeys;
import dev.edgeperimeter.authorizer.usertoken.SignatureProviders;
import dev.edgeperimeter.authorizer.usertoken.UserTokenVerifier;
import dev.edgeperimeter.shared.aws.AwsClients;
import dev.edgeperimeter.shared.aws.AwsSettings;
import dev.edgeperimeter.shared.aws.RestorableCredentials;
import dev.edgeperimeter.shared.config.Env;
import dev.edgeperimeter.shared.keys.KeyMaterialCipher;
import dev.edgeperimeter.shared.keys.KeySetSource;
import dev.edgeperimeter.shared.keys.KeyStore;
import dev.edgeperimeter.shared.keys.MaterialDecrypter;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * An authorizer container's parts, wired once from its configuration, apart from the request path:
 * the SDK key store and KMS decrypter behind the edge key cache, the issuer's JWKS behind the
 * Nimbus user-token verifier, the decision core, Powertools telemetry, the pipeline the handlers
 * call, and SnapStart priming. {@link #shared()} is the container's instance, built from the
 * environment when the first handler class initialises.
 */
public final class Authorizer {
  /** Read timeouts of one DynamoDB or KMS attempt: short, as a refresh has {@link AuthorizerConfig#KEY_REFRESH_BUDGET} in all. */
  static final Duration AWS_CONNECT_TIMEOUT = Duration.ofSeconds(1);
  static final Duration AWS_READ_TIMEOUT = Duration.ofSeconds(2);

  private final AuthorizerConfig config;
  private final EdgeKeyCache keys;
  private final IssuerKeys issuerKeys;
  private final UserTokenVerifier userTokens;
  private final AuthorizerPipeline pipeline;
  private final RestorableCredentials credentials;
  private final Priming priming;

  private Authorizer(AuthorizerConfig config, EdgeKeyCache keys, IssuerKeys issuerKeys, UserTokenVerifier userTokens,
      AuthorizerPipeline pipeline, RestorableCredentials credentials) {
    this.config = config;
    this.keys = keys;
    this.issuerKeys = issuerKeys;
    this.userTokens = userTokens;
    this.pipeline = pipeline;
    this.credentials = credentials;
    this.priming = new Priming(this);
  }

  private static Authorizer shared;

  /**
   * The container's authorizer, built from the environment on first use (the handler's constructor,
   * during init). A configuration error escapes as the {@code ConfigException} naming the variable,
   * so Lambda's init error says what to fix.
   */
  public static synchronized Authorizer shared() {
    if (shared == null) {
      shared = fromEnvironment(Env.system());
    }
    return shared;
  }

  /**
   * Builds the authorizer Lambda runs: configuration and AWS settings validated (a bad value stops
   * the function with a message naming the variable), SDK clients on the default credentials chain,
   * and SnapStart priming registered.
   */
  public static Authorizer fromEnvironment(Env env) {
    AuthorizerConfig config = AuthorizerConfig.fromEnv(env);
    RestorableCredentials credentials = new RestorableCredentials();
    AwsClients aws = new AwsClients(AwsSettings.fromEnvironment(env, credentials), AWS_CONNECT_TIMEOUT,
        AWS_READ_TIMEOUT);
    Authorizer authorizer = create(config, aws, null, Clock.systemUTC(), credentials);
    authorizer.priming.register();
    return authorizer;
  }

  /**
   * An authorizer reading keys with the SDK clients of {@code aws}.
   *
   * @param issuerKeys the user tokens' keys; {@code null} to fetch them as configured ({@code OIDC_*})
   */
  public static Authorizer create(AuthorizerConfig config, AwsClients aws, IssuerKeys issuerKeys, Clock clock) {
    return create(config, aws, issuerKeys, clock, null);
  }

  private static Authorizer create(AuthorizerConfig config, AwsClients aws, IssuerKeys issuerKeys, Clock clock,
      RestorableCredentials credentials) {
    KeyStore rows = new KeyStore(aws.dynamoDb(), config.keyTableName());
    KeyMaterialCipher kms = new KeyMaterialCipher(aws.kms(), config.kmsKeyId().orElse(null));
    return create(config, rows, kms, issuerKeys, clock, credentials);
  }

  /** An authorizer on any key source and decrypter (rule tests keep keys in memory this way). */
  public static Authorizer create(AuthorizerConfig config, KeySetSource rows, MaterialDecrypter decrypter,
      IssuerKeys issuerKeys, Clock clock) {
    return create(config, rows, decrypter, issuerKeys, clock, null);
  }

  private static Authorizer create(AuthorizerConfig config, KeySetSource rows, MaterialDecrypter decrypter,
      IssuerKeys issuerKeys, Clock clock, RestorableCredentials credentials) {
    EdgeKeyCache keys = new EdgeKeyCache(config.keySet(), rows, decrypter, clock, config.keyCacheTtl(),
        config.keyStaleServing(), AuthorizerConfig.KEY_REFRESH_BUDGET, DecisionTelemetry::warn);
    EdgeAssertionVerifier assertions = new EdgeAssertionVerifier(config.edgeIssuers(), config.edgeAudience(),
        config.clockSkew(), config.maxAssertionLifetime(), keys, clock);
    UserTokenVerifier users = null;
    IssuerKeys jwks = null;
    if (config.mode() == AuthMode.EDGE_JWT) {
      jwks = issuerKeys != null ? issuerKeys : IssuerKeys.of(config.oidcIssuer().orElseThrow(), config.oidcJwksUrl(),
          config.maxStaleness(), DecisionTelemetry::warn);
      SignatureProviders.Choice provider = config.signatureProvider() == SignatureProvider.ACCP
          ? SignatureProviders.accpOrJdk() : SignatureProviders.jdk();
      DecisionTelemetry.info("user-token signatures verified by " + provider.description());
      users = new UserTokenVerifier(config.oidcIssuer().orElseThrow(), config.oidcAudiences(), config.tokenUse(),
          config.requiredClaims(), config.clockSkew(), config.tokenCacheTtl(), jwks, clock, provider.provider());
    }
    AuthorizerCore core = new AuthorizerCore(config.mode(), assertions, users, config.routeScopes());
    DecisionTelemetry telemetry = DecisionTelemetry.of(config.metricsNamespace(), config.serviceName());
    AuthorizerPipeline pipeline = new AuthorizerPipeline(core, telemetry, config.httpApiResponse());
    return new Authorizer(config, keys, jwks, users, pipeline, credentials);
  }

  public AuthorizerConfig config() {
    return config;
  }

  public AuthorizerPipeline pipeline() {
    return pipeline;
  }

  public EdgeKeyCache keys() {
    return keys;
  }

  /** The user tokens' keys; empty in {@code edge} mode. */
  public Optional<IssuerKeys> issuerKeys() {
    return Optional.ofNullable(issuerKeys);
  }

  /** The user-token verifier; empty in {@code edge} mode. */
  public Optional<UserTokenVerifier> userTokens() {
    return Optional.ofNullable(userTokens);
  }

  /** SnapStart priming of this authorizer (registered with CRaC only for the environment-built one). */
  public Priming priming() {
    return priming;
  }

  /** After a SnapStart restore: credentials resolved before the snapshot are not reused. */
  void forgetCredentials() {
    if (credentials != null) {
      credentials.forget();
    }
  }
}
