package dev.edgeperimeter.authorizer.wiring;

import com.nimbusds.jose.jwk.JWKSet;
import dev.edgeperimeter.authorizer.assertion.EdgeAssertionVerifier;
import dev.edgeperimeter.authorizer.core.AuthorizerConfig;
import dev.edgeperimeter.authorizer.core.AuthorizerConfig.AuthMode;
import dev.edgeperimeter.authorizer.core.AuthorizerConfig.SignatureProvider;
import dev.edgeperimeter.authorizer.core.AuthorizerCore;
import dev.edgeperimeter.authorizer.core.Rejection;
import dev.edgeperimeter.authorizer.event.EventType;
import dev.edgeperimeter.authorizer.keys.EdgeKey;
import dev.edgeperimeter.authorizer.keys.EdgeKeyResolver;
import dev.edgeperimeter.authorizer.pipeline.AuthorizerPipeline;
import dev.edgeperimeter.authorizer.telemetry.DecisionTelemetry;
import dev.edgeperimeter.authorizer.usertoken.IssuerKeys;
import dev.edgeperimeter.authorizer.usertoken.SignatureProviders;
import dev.edgeperimeter.authorizer.usertoken.UserTokenVerifier;
import dev.edgeperimeter.shared.crypto.Base64Url;
import dev.edgeperimeter.shared.snapstart.PrimingSteps;
import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.crac.Context;
import org.crac.Resource;

/**
 * SnapStart priming ({@code org.crac}): before the snapshot, everything a first request needs is
 * loaded and run, so a restored instance answers its first request warm:
 *
 * <ul>
 *   <li>{@code keys}: the key set is read and decrypted through the SDK's DynamoDB and KMS clients
 *       (credentials chain, signing, HTTP client, retry strategy), then each of its kids is resolved
 *       as a request resolves it and its MAC run once;</li>
 *   <li>{@code jwks}: the issuer's JWKS is fetched through Nimbus ({@code edge+jwt}), each of its
 *       keys checked and converted for the verifying provider, and the whole verification run once
 *       per key on a synthetic token it refuses ({@link UserTokenVerifier#prepareKeys});</li>
 *   <li>{@code libraries}: Powertools' logging manager, and Lambda's EMF environment with its console
 *       sink;</li>
 *   <li>{@code pipeline}: the handlers' own code path, {@link AuthorizerPipeline#handle}, for the
 *       three event shapes, allowed and refused, in the configured mode and response format, on
 *       {@link SyntheticRequests} (a constant edge key and a user token signed offline), with a
 *       telemetry whose decision lines go to a no-op logger and whose EMF documents Powertools
 *       formats and drops ({@link DecisionTelemetry#forPriming}): nothing is logged or counted
 *       before the snapshot (the log layout itself is primed by the report line below);</li>
 *   <li>{@code user-token}: Nimbus's full verification (no cache) for RS256, PS256 and ES256 on the
 *       configured JCA provider;</li>
 *   <li>and a log line naming the steps that completed, through the structured-argument layout a
 *       decision line uses.</li>
 * </ul>
 *
 * Every failure is swallowed: priming can never break a deployment. Nothing unique to an instance
 * crosses the snapshot: the synthetic inputs are constants (no randomness is drawn), the JWKS
 * fetch keeps no connection, the SDK's kept-alive connections idle out of the JDK's cache (5 s)
 * long before a restore, credentials resolved before the snapshot are forgotten after it
 * ({@link #afterRestore}), and the cached key set and JWKS age by the wall clock, so after a late
 * restore they are refreshed on the first request.
 */
public final class Priming extends PrimingSteps {
  /** Runs of each primed path: enough for the JIT's first tier to compile it. */
  static final int ROUNDS = 200;

  private final Authorizer authorizer;

  Priming(Authorizer authorizer) {
    this.authorizer = authorizer;
  }

  @Override
  protected void defineSteps() {
    step("keys", this::primeKeys);
    step("jwks", () -> authorizer.issuerKeys().map(IssuerKeys::fetch).orElse(false)
        && authorizer.userTokens().map(UserTokenVerifier::prepareKeys).orElse(false));
    step("libraries", DecisionTelemetry::primeLibraries);
    step("pipeline", this::primePipeline);
    step("user-token", this::primeUserToken);
  }

  /** Runs the steps and reports which completed. */
  @Override
  public void beforeCheckpoint(Context<? extends Resource> context) {
    DecisionTelemetry.primed(prime());
  }

  @Override
  public void afterRestore(Context<? extends Resource> context) {
    authorizer.forgetCredentials();
  }

  /**
   * The key set loaded, then every kid resolved through the request path's cache and each usable
   * key's MAC computed over an empty input (its {@code Mac} made on this thread, as the first
   * assertion signed with it would need it; nothing is signed).
   */
  private boolean primeKeys() {
    if (!authorizer.keys().refreshNow()) {
      return false;
    }
    long now = Instant.now().getEpochSecond();
    Set<String> kids = authorizer.keys().kids();
    for (int i = 0; i < ROUNDS; i++) {
      for (String kid : kids) {
        try {
          authorizer.keys().resolve(kid, now).key().verify(new byte[0], new byte[0]);
        } catch (Rejection inactive) {
          // a pending or retired key: refused as a request would see it
        }
      }
    }
    return true;
  }

  /** The handlers' pipeline on the synthetic requests: each shape allowed (or denied by the route policy) and forged. */
  private boolean primePipeline() throws Exception {
    AuthorizerConfig config = authorizer.config();
    long now = Instant.now().getEpochSecond();
    Clock clock = Clock.fixed(Instant.ofEpochSecond(now), ZoneOffset.UTC);
    EdgeKey key = EdgeKey.of("priming", SyntheticRequests.EDGE_KEY);
    EdgeKeyResolver resolver = (kid, at) -> new EdgeKeyResolver.Match(key, false);
    EdgeAssertionVerifier assertions = new EdgeAssertionVerifier(Set.of(SyntheticRequests.ISSUER),
        SyntheticRequests.ISSUER, config.clockSkew(), config.maxAssertionLifetime(), resolver, clock);
    UserTokenVerifier users = config.mode() == AuthMode.EDGE_JWT ? userTokens(config.tokenCacheTtl()) : null;
    AuthorizerCore core = new AuthorizerCore(config.mode(), assertions, users, config.routeScopes());
    AuthorizerPipeline pipeline = new AuthorizerPipeline(core,
        DecisionTelemetry.forPriming(config.metricsNamespace(), config.serviceName()), config.httpApiResponse());

    String assertion = SyntheticRequests.assertion(now);
    String forged = assertion.substring(0, assertion.length() - 2) + "AA";
    for (int i = 0; i < ROUNDS; i++) {
      for (String a : List.of(assertion, forged)) {
        handle(pipeline, EventType.REST_REQUEST, SyntheticRequests.restRequest(a));
        handle(pipeline, EventType.REST_TOKEN, SyntheticRequests.restToken(a));
        handle(pipeline, EventType.HTTP_API, SyntheticRequests.httpApi(a));
      }
    }
    return true;
  }

  private static void handle(AuthorizerPipeline pipeline, EventType type, byte[] event) throws Exception {
    try {
      pipeline.handle(type, new ByteArrayInputStream(event), OutputStream.nullOutputStream());
    } catch (RuntimeException unauthorized) {
      // API Gateway's 401, as planned for the forged assertion
    }
  }

  /** Nimbus's full verification, no cache: RS256 verifies; PS256 and ES256 run on synthetic signatures and are refused. */
  private boolean primeUserToken() throws Exception {
    if (authorizer.config().mode() != AuthMode.EDGE_JWT) {
      return false;
    }
    UserTokenVerifier verifier = userTokens(Duration.ZERO);
    String claims = SyntheticRequests.USER_TOKEN.substring(SyntheticRequests.USER_TOKEN.indexOf('.') + 1,
        SyntheticRequests.USER_TOKEN.lastIndexOf('.'));
    List<String> tokens = List.of(SyntheticRequests.USER_TOKEN,
        synthetic("PS256", "priming-rsa", claims, 256), synthetic("ES256", "priming-ec", claims, 64));
    boolean verified = false;
    for (int i = 0; i < ROUNDS / 4; i++) {
      for (String token : tokens) {
        try {
          verifier.verify(token, null);
          verified = true;
        } catch (Rejection expected) {
          // the synthetic signatures: only the code path matters
        }
      }
    }
    return verified;
  }

  private static String synthetic(String alg, String kid, String claims, int signatureBytes) {
    String header = Base64Url.encode(("{\"alg\":\"" + alg + "\",\"kid\":\"" + kid + "\"}").getBytes(StandardCharsets.UTF_8));
    return header + "." + claims + "." + Base64Url.encode(new byte[signatureBytes]);
  }

  /** A user-token verifier for the synthetic issuer, on the configured signature provider. */
  private UserTokenVerifier userTokens(Duration cacheTtl) throws Exception {
    AuthorizerConfig config = authorizer.config();
    JWKSet synthetic = SyntheticRequests.jwks();
    IssuerKeys keys = IssuerKeys.of(synthetic, Duration.ZERO, message -> { });
    SignatureProviders.Choice provider = config.signatureProvider() == SignatureProvider.ACCP
        ? SignatureProviders.accpOrJdk() : SignatureProviders.jdk();
    return new UserTokenVerifier(SyntheticRequests.ISSUER, Set.of(SyntheticRequests.ISSUER),
        AuthorizerConfig.TokenUse.ANY, List.of(), config.clockSkew(), cacheTtl, keys, Clock.systemUTC(),
        provider.provider());
  }
}
