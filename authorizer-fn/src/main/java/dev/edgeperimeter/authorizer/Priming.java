package dev.edgeperimeter.authorizer;

import dev.edgeperimeter.authorizer.assertion.EdgeAssertionVerifier;
import dev.edgeperimeter.authorizer.core.AuthRequest;
import dev.edgeperimeter.authorizer.core.AuthorizerConfig;
import dev.edgeperimeter.authorizer.core.AuthorizerConfig.AuthMode;
import dev.edgeperimeter.authorizer.core.AuthorizerCore;
import dev.edgeperimeter.authorizer.core.Decision;
import dev.edgeperimeter.authorizer.event.EventParser;
import dev.edgeperimeter.authorizer.event.EventType;
import dev.edgeperimeter.authorizer.event.ResponseWriter;
import dev.edgeperimeter.authorizer.keys.EdgeKey;
import dev.edgeperimeter.authorizer.keys.EdgeKeyResolver;
import dev.edgeperimeter.authorizer.telemetry.Telemetry;
import dev.edgeperimeter.authorizer.usertoken.SignatureProviders;
import dev.edgeperimeter.shared.crypto.Base64Url;
import dev.edgeperimeter.shared.crypto.HmacSha256;
import dev.edgeperimeter.shared.crypto.Sha256;
import dev.edgeperimeter.shared.snapstart.PrimingSteps;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.security.spec.RSAPublicKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import org.crac.Context;
import org.crac.Resource;

/**
 * SnapStart priming ({@code org.crac}): before the snapshot, runs every hot code path once so its
 * classes are loaded and initialised in the snapshot - event parsing for the three shapes, the
 * assertion verifier (JSON, HMAC) on a synthetic assertion, policy and simple responses,
 * telemetry formatting, the JCA signature algorithms of user tokens - and prefetches the key set and
 * the JWKS when they are reachable. Every failure is swallowed: priming can never break a
 * deployment.
 *
 * <p>Nothing that must differ per restored instance is captured: the synthetic key is a constant
 * (no randomness is drawn), the cold-start warm-up threads have finished, the JWKS fetcher keeps
 * no connection open (the direct AWS calls' kept-alive connections idle out of the JDK's cache
 * after 5 s), container credentials fetched before the snapshot are forgotten after the restore,
 * and cached keys and JWKS age by the wall clock, so after a late restore they are refreshed on
 * the first request.
 */
public final class Priming extends PrimingSteps {
  /** Longest wait for the cold-start warm-up before priming (an AWS call's own deadline is 10 s). */
  private static final Duration WARM_UP_WAIT = Duration.ofSeconds(15);
  private static final String ARN = "arn:aws:execute-api:us-east-1:000000000000:priming/prod/GET/priming/1";

  private final AuthorizerRuntime runtime;

  /** The synthetic (non-secret, constant) material used to exercise the HMAC path, built when priming runs. */
  private static final class Synthetic {
    static final byte[] KEY = Sha256.digest("edge-perimeter/snapstart-priming".getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The steps, in order: {@code edge-assertion}, {@code events}, {@code responses},
   * {@code telemetry}, {@code jca}, and {@code keys} / {@code jwks}, which complete when those were
   * fetched.
   */
  Priming(AuthorizerRuntime runtime) {
    this.runtime = runtime;
  }

  /** Defined on the first priming run, not at construction: a cold start without a snapshot never needs them. */
  @Override
  protected void defineSteps() {
    step("edge-assertion", this::primeAssertion);
    step("events", this::primeEvents);
    step("responses", this::primeResponses);
    step("telemetry", this::primeTelemetry);
    step("jca", Priming::primeJca);
    step("signature-provider", this::primeSignatureProvider);
    step("keys", () -> runtime.keys().refreshNow());
    step("jwks", () -> runtime.jwks() != null && runtime.jwks().refreshNow());
  }

  @Override
  public void beforeCheckpoint(Context<? extends Resource> context) {
    runtime.awaitWarmUp(WARM_UP_WAIT); // no warm-up thread may be mid-request when the JVM is frozen
    prime();
    if (runtime.jwks() != null) {
      try {
        runtime.jwks().releaseConnections(); // no IdP connection in the snapshot
      } catch (RuntimeException ignored) {
        // best effort
      }
    }
  }

  /** Credentials fetched during init belong to the snapshot's past: the first call after a restore fetches its own. */
  @Override
  public void afterRestore(Context<? extends Resource> context) {
    runtime.forgetCredentials();
  }

  private AuthorizerCore syntheticCore() {
    long now = Instant.now().getEpochSecond();
    EdgeKey key = EdgeKey.of("priming", Synthetic.KEY);
    EdgeKeyResolver resolver = (kid, at) -> new EdgeKeyResolver.Match(key, false);
    EdgeAssertionVerifier verifier = new EdgeAssertionVerifier(Set.of("priming"), "priming", Duration.ofSeconds(30),
        Duration.ofSeconds(300), resolver, Clock.fixed(Instant.ofEpochSecond(now), ZoneOffset.UTC));
    return new AuthorizerCore(AuthMode.EDGE, verifier, null, runtime.config().routeScopes());
  }

  private static String syntheticAssertion(long now) throws Exception {
    String header = Base64Url.encode("{\"alg\":\"HS256\",\"typ\":\"edge+jwt\",\"kid\":\"priming\"}"
        .getBytes(StandardCharsets.UTF_8));
    String claims = Base64Url.encode(("{\"iss\":\"priming\",\"aud\":\"priming\",\"iat\":" + now + ",\"exp\":" + (now + 60)
        + ",\"jti\":\"priming\",\"htm\":\"GET\",\"htu\":\"/priming/1\",\"sub\":\"priming\",\"scope\":\"priming\","
        + "\"epc\":[\"jwt\"]}").getBytes(StandardCharsets.UTF_8));
    String input = header + "." + claims;
    return input + "." + Base64Url.encode(HmacSha256.mac(Synthetic.KEY, input.getBytes(StandardCharsets.US_ASCII)));
  }

  private boolean primeAssertion() throws Exception {
    AuthorizerCore core = syntheticCore();
    String assertion = syntheticAssertion(Instant.now().getEpochSecond());
    boolean ok = false;
    for (int i = 0; i < 200; i++) {
      Decision d = core.decide(AuthRequest.of("GET", "/priming/1", assertion, null, ARN));
      ok = d.reason() != dev.edgeperimeter.authorizer.core.Reason.INTERNAL_ERROR;
      core.decide(AuthRequest.of("GET", "/priming/1", assertion.substring(0, assertion.length() - 2) + "AA", null, ARN));
    }
    AuthorizerCore.sha256Base64Url("priming");
    return ok;
  }

  private boolean primeEvents() throws Exception {
    String assertion = syntheticAssertion(Instant.now().getEpochSecond());
    String token = "{\"type\":\"TOKEN\",\"authorizationToken\":\"" + assertion + "\",\"methodArn\":\"" + ARN + "\"}";
    String rest = "{\"type\":\"REQUEST\",\"methodArn\":\"" + ARN + "\",\"resource\":\"/priming/{id}\",\"path\":\"/priming/1\","
        + "\"httpMethod\":\"GET\",\"headers\":{\"X-Edge-Assertion\":\"" + assertion + "\",\"Host\":\"priming\"},"
        + "\"multiValueHeaders\":{\"X-Edge-Assertion\":[\"" + assertion + "\"]},\"queryStringParameters\":null,"
        + "\"requestContext\":{\"stage\":\"prod\",\"identity\":{\"sourceIp\":\"192.0.2.1\"}}}";
    String http = "{\"version\":\"2.0\",\"type\":\"REQUEST\",\"routeArn\":\"" + ARN + "\",\"rawPath\":\"/prod/priming/1\","
        + "\"headers\":{\"x-edge-assertion\":\"" + assertion + "\"},\"requestContext\":{\"stage\":\"prod\","
        + "\"http\":{\"method\":\"GET\",\"path\":\"/prod/priming/1\",\"sourceIp\":\"192.0.2.1\"}}}";
    for (int i = 0; i < 100; i++) {
      EventParser.parse(EventType.REST_TOKEN, token.getBytes(StandardCharsets.UTF_8), true);
      EventParser.parse(EventType.REST_REQUEST, rest.getBytes(StandardCharsets.UTF_8), true);
      EventParser.parse(EventType.HTTP_API, http.getBytes(StandardCharsets.UTF_8), false);
    }
    return true;
  }

  private boolean primeResponses() throws Exception {
    AuthorizerCore core = syntheticCore();
    Decision d = core.decide(AuthRequest.of("GET", "/priming/1", syntheticAssertion(Instant.now().getEpochSecond()),
        null, ARN));
    for (int i = 0; i < 100; i++) {
      ResponseWriter.policy(d, OutputStream.nullOutputStream());
      ResponseWriter.simple(d, OutputStream.nullOutputStream());
    }
    return true;
  }

  private boolean primeTelemetry() {
    Telemetry quiet = new Telemetry("priming", "priming", Telemetry.Level.DEBUG, line -> { }, Clock.systemUTC());
    Decision d = Decision.unauthorized(dev.edgeperimeter.authorizer.core.Reason.MALFORMED);
    for (int i = 0; i < 100; i++) {
      quiet.decision(Telemetry.Invocation.NONE, "PRIMING", d, 1);
    }
    return true;
  }

  private static boolean primeJca() throws Exception {
    primeSignatures(null);
    return true;
  }

  /** SIGNATURE_PROVIDER=accp in edge+jwt mode: ACCP is loaded into the snapshot, and its verify path run once. */
  private boolean primeSignatureProvider() throws Exception {
    AuthorizerConfig config = runtime.config();
    if (config.mode() != AuthMode.EDGE_JWT || config.signatureProvider() != AuthorizerConfig.SignatureProvider.ACCP
        || !SignatureProviders.loadNow()) {
      return false;
    }
    primeSignatures(SignatureProviders.accelerated());
    return true;
  }

  private static void primeSignatures(Provider provider) throws Exception {
    BigInteger modulus = BigInteger.ONE.shiftLeft(2047).add(BigInteger.valueOf(0x2D));
    PublicKey rsa = KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(modulus, BigInteger.valueOf(65537)));
    byte[] input = "priming".getBytes(StandardCharsets.US_ASCII);
    verifyQuietly(signature("SHA256withRSA", provider), rsa, input, new byte[256]);
    Signature pss = signature("RSASSA-PSS", provider);
    pss.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
    verifyQuietly(pss, rsa, input, new byte[256]);
    AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
    params.init(new ECGenParameterSpec("secp256r1"));
    ECParameterSpec spec = params.getParameterSpec(ECParameterSpec.class);
    PublicKey ec = KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(spec.getGenerator(), spec));
    verifyQuietly(signature("SHA256withECDSAinP1363Format", provider), ec, input, new byte[64]);
  }

  private static Signature signature(String algorithm, Provider provider) throws Exception {
    return provider == null ? Signature.getInstance(algorithm) : Signature.getInstance(algorithm, provider);
  }

  private static void verifyQuietly(Signature s, PublicKey key, byte[] input, byte[] signature) {
    try {
      s.initVerify(key);
      s.update(input);
      s.verify(signature);
    } catch (java.security.GeneralSecurityException | RuntimeException expected) {
      // a synthetic signature: only the code path matters
    }
  }
}
