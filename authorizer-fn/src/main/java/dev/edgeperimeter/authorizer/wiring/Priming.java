package dev.edgeperimeter.authorizer.wiring;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.Base64URL;
import dev.edgeperimeter.authorizer.assertion.EdgeAssertionVerifier;
import dev.edgeperimeter.authorizer.core.AuthRequest;
import dev.edgeperimeter.authorizer.core.AuthorizerConfig;
import dev.edgeperimeter.authorizer.core.AuthorizerConfig.AuthMode;
import dev.edgeperimeter.authorizer.core.AuthorizerConfig.SignatureProvider;
import dev.edgeperimeter.authorizer.core.AuthorizerCore;
import dev.edgeperimeter.authorizer.core.Decision;
import dev.edgeperimeter.authorizer.core.Rejection;
import dev.edgeperimeter.authorizer.event.EventParser;
import dev.edgeperimeter.authorizer.event.EventType;
import dev.edgeperimeter.authorizer.event.ResponseWriter;
import dev.edgeperimeter.authorizer.keys.EdgeKey;
import dev.edgeperimeter.authorizer.keys.EdgeKeyResolver;
import dev.edgeperimeter.authorizer.telemetry.DecisionTelemetry;
import dev.edgeperimeter.authorizer.usertoken.IssuerKeys;
import dev.edgeperimeter.authorizer.usertoken.SignatureProviders;
import dev.edgeperimeter.authorizer.usertoken.UserTokenVerifier;
import dev.edgeperimeter.shared.crypto.Base64Url;
import dev.edgeperimeter.shared.crypto.Sha256;
import dev.edgeperimeter.shared.snapstart.PrimingSteps;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
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
 * loaded and run once, so a restored instance answers its first request warm:
 *
 * <ul>
 *   <li>{@code keys}: the key set is read and decrypted through the SDK's DynamoDB and KMS clients
 *       (credentials chain, signing, HTTP client, retry strategy);</li>
 *   <li>{@code jwks}: the issuer's JWKS is fetched through Nimbus ({@code edge+jwt});</li>
 *   <li>{@code edge-assertion}, {@code events}, {@code responses}: the three event shapes, the
 *       assertion verifier with its JCA {@code Mac}, policy and simple responses, on a synthetic
 *       (constant, non-secret) key;</li>
 *   <li>{@code user-token}: Nimbus's JWT processor and the JCA verifiers of RS256, PS256 and ES256
 *       on the configured provider, on synthetic keys;</li>
 *   <li>and a log line naming the steps that completed, which loads Powertools' log layout
 *       (Powertools Metrics primes itself).</li>
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
  private static final String ARN = "arn:aws:execute-api:us-east-1:000000000000:priming/prod/GET/priming/1";
  private static final byte[] SYNTHETIC_KEY = Sha256.digest("edge-perimeter/snapstart-priming".getBytes(StandardCharsets.UTF_8));

  private final Authorizer authorizer;

  Priming(Authorizer authorizer) {
    this.authorizer = authorizer;
  }

  @Override
  protected void defineSteps() {
    step("keys", () -> authorizer.keys().refreshNow());
    step("jwks", () -> authorizer.issuerKeys().map(IssuerKeys::fetch).orElse(false));
    step("edge-assertion", this::primeAssertion);
    step("events", Priming::primeEvents);
    step("responses", this::primeResponses);
    step("user-token", this::primeUserToken);
  }

  /** Runs the steps and reports which completed (the report also loads Powertools' log layout). */
  @Override
  public void beforeCheckpoint(Context<? extends Resource> context) {
    DecisionTelemetry.info("SnapStart priming completed: " + prime());
  }

  @Override
  public void afterRestore(Context<? extends Resource> context) {
    authorizer.forgetCredentials();
  }

  private AuthorizerCore syntheticCore() {
    long now = Instant.now().getEpochSecond();
    EdgeKey key = EdgeKey.of("priming", SYNTHETIC_KEY);
    EdgeKeyResolver resolver = (kid, at) -> new EdgeKeyResolver.Match(key, false);
    EdgeAssertionVerifier verifier = new EdgeAssertionVerifier(Set.of("priming"), "priming", Duration.ofSeconds(30),
        Duration.ofSeconds(300), resolver, Clock.fixed(Instant.ofEpochSecond(now), ZoneOffset.UTC));
    return new AuthorizerCore(AuthMode.EDGE, verifier, null, authorizer.config().routeScopes());
  }

  private static String syntheticAssertion() {
    long now = Instant.now().getEpochSecond();
    String header = Base64Url.encode("{\"alg\":\"HS256\",\"typ\":\"edge+jwt\",\"kid\":\"priming\"}"
        .getBytes(StandardCharsets.UTF_8));
    String claims = Base64Url.encode(("{\"iss\":\"priming\",\"aud\":\"priming\",\"iat\":" + now + ",\"exp\":" + (now + 60)
        + ",\"jti\":\"priming\",\"htm\":\"GET\",\"htu\":\"/priming/1\",\"sub\":\"priming\",\"scope\":\"priming\","
        + "\"epc\":[\"jwt\"]}").getBytes(StandardCharsets.UTF_8));
    String input = header + "." + claims;
    byte[] mac = EdgeKey.of("priming", SYNTHETIC_KEY).sign(input.getBytes(StandardCharsets.US_ASCII));
    return input + "." + Base64Url.encode(mac);
  }

  private boolean primeAssertion() {
    AuthorizerCore core = syntheticCore();
    String assertion = syntheticAssertion();
    boolean verified = false;
    for (int i = 0; i < 200; i++) {
      // verified: Allow, or a Deny of the shipped route policy (the synthetic route is in no rule)
      verified = core.decide(AuthRequest.of("GET", "/priming/1", assertion, null, ARN)).outcome()
          != Decision.Outcome.UNAUTHORIZED;
      core.decide(AuthRequest.of("GET", "/priming/1", assertion.substring(0, assertion.length() - 2) + "AA", null, ARN));
    }
    AuthorizerCore.sha256Base64Url("priming");
    return verified;
  }

  private static boolean primeEvents() throws Rejection {
    String assertion = syntheticAssertion();
    String token = "{\"type\":\"TOKEN\",\"authorizationToken\":\"" + assertion + "\",\"methodArn\":\"" + ARN + "\"}";
    String rest = "{\"type\":\"REQUEST\",\"methodArn\":\"" + ARN + "\",\"resource\":\"/priming/{id}\",\"path\":\"/priming/1\","
        + "\"httpMethod\":\"GET\",\"headers\":{\"X-Edge-Assertion\":\"" + assertion + "\",\"Host\":\"priming\"},"
        + "\"multiValueHeaders\":{\"X-Edge-Assertion\":[\"" + assertion + "\"]},\"queryStringParameters\":null,"
        + "\"requestContext\":{\"stage\":\"prod\",\"requestId\":\"priming\",\"identity\":{\"sourceIp\":\"192.0.2.1\"}}}";
    String http = "{\"version\":\"2.0\",\"type\":\"REQUEST\",\"routeArn\":\"" + ARN + "\",\"rawPath\":\"/prod/priming/1\","
        + "\"headers\":{\"x-edge-assertion\":\"" + assertion + "\"},\"requestContext\":{\"stage\":\"prod\","
        + "\"requestId\":\"priming\",\"http\":{\"method\":\"GET\",\"path\":\"/prod/priming/1\",\"sourceIp\":\"192.0.2.1\"}}}";
    for (int i = 0; i < 100; i++) {
      EventParser.parse(EventType.REST_TOKEN, token.getBytes(StandardCharsets.UTF_8), true);
      EventParser.parse(EventType.REST_REQUEST, rest.getBytes(StandardCharsets.UTF_8), true);
      EventParser.parse(EventType.HTTP_API, http.getBytes(StandardCharsets.UTF_8), false);
    }
    return true;
  }

  private boolean primeResponses() throws Exception {
    Decision d = syntheticCore().decide(AuthRequest.of("GET", "/priming/1", syntheticAssertion(), null, ARN));
    for (int i = 0; i < 100; i++) {
      ResponseWriter.policy(d, OutputStream.nullOutputStream());
      ResponseWriter.simple(d, OutputStream.nullOutputStream());
    }
    return true;
  }

  /** Nimbus's processor and the JCA verifiers on synthetic public keys; every signature is (meant to be) refused. */
  private boolean primeUserToken() throws Exception {
    AuthorizerConfig config = authorizer.config();
    if (config.mode() != AuthMode.EDGE_JWT) {
      return false;
    }
    JWKSet synthetic = new JWKSet(List.of(syntheticRsa(), syntheticEc()));
    IssuerKeys keys = IssuerKeys.of(new JWKSetSource<>() {
      @Override
      public JWKSet getJWKSet(JWKSetCacheRefreshEvaluator evaluator, long currentTime, SecurityContext context) {
        return synthetic;
      }

      @Override
      public void close() {
      }
    }, Duration.ZERO, message -> { });
    SignatureProviders.Choice provider = config.signatureProvider() == SignatureProvider.ACCP
        ? SignatureProviders.accpOrJdk() : SignatureProviders.jdk();
    UserTokenVerifier verifier = new UserTokenVerifier("priming", Set.of("priming"), AuthorizerConfig.TokenUse.ANY,
        List.of(), Duration.ZERO, Duration.ZERO, keys, Clock.systemUTC(), provider.provider());
    String claims = Base64Url.encode("{\"iss\":\"priming\",\"aud\":\"priming\",\"exp\":4102444800}"
        .getBytes(StandardCharsets.UTF_8));
    for (String[] alg : new String[][] {{"RS256", "rsa", "256"}, {"PS256", "rsa", "256"}, {"ES256", "ec", "64"}}) {
      String header = Base64Url.encode(("{\"alg\":\"" + alg[0] + "\",\"kid\":\"" + alg[1] + "\"}")
          .getBytes(StandardCharsets.UTF_8));
      String token = header + "." + claims + "." + Base64Url.encode(new byte[Integer.parseInt(alg[2])]);
      for (int i = 0; i < 20; i++) {
        try {
          verifier.verify(token, null);
        } catch (Rejection expected) {
          // a synthetic signature: only the code path matters
        }
      }
    }
    return true;
  }

  private static RSAKey syntheticRsa() {
    BigInteger modulus = BigInteger.ONE.shiftLeft(2047).add(BigInteger.valueOf(0x2D));
    return new RSAKey.Builder(Base64URL.encode(modulus), Base64URL.encode(BigInteger.valueOf(65537))).keyID("rsa").build();
  }

  private static ECKey syntheticEc() throws Exception {
    AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
    params.init(new ECGenParameterSpec("secp256r1"));
    ECParameterSpec spec = params.getParameterSpec(ECParameterSpec.class);
    return new ECKey.Builder(Curve.P_256, Base64URL.encode(spec.getGenerator().getAffineX()),
        Base64URL.encode(spec.getGenerator().getAffineY())).keyID("ec").build();
  }
}
