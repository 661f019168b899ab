package dev.edgeperimeter.bench.auth;

import com.nimbusds.jose.crypto.impl.ECDSA;
import dev.edgeperimeter.authorizer.assertion.EdgeAssertionVerifier;
import dev.edgeperimeter.authorizer.core.AuthRequest;
import dev.edgeperimeter.authorizer.core.AuthorizerConfig.AuthMode;
import dev.edgeperimeter.authorizer.core.AuthorizerConfig.SignatureProvider;
import dev.edgeperimeter.authorizer.core.AuthorizerConfig.TokenUse;
import dev.edgeperimeter.authorizer.core.AuthorizerCore;
import dev.edgeperimeter.authorizer.core.Decision;
import dev.edgeperimeter.authorizer.core.Rejection;
import dev.edgeperimeter.authorizer.event.EventParser;
import dev.edgeperimeter.authorizer.event.EventType;
import dev.edgeperimeter.authorizer.keys.EdgeKeyCache;
import dev.edgeperimeter.authorizer.policy.RouteScopes;
import dev.edgeperimeter.authorizer.core.AuthorizerConfig.HttpApiResponse;
import dev.edgeperimeter.authorizer.pipeline.AuthorizerPipeline;
import dev.edgeperimeter.authorizer.telemetry.DecisionTelemetry;
import dev.edgeperimeter.authorizer.usertoken.IssuerKeys;
import dev.edgeperimeter.authorizer.usertoken.SignatureProviders;
import dev.edgeperimeter.authorizer.usertoken.UserTokenVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import java.io.ByteArrayInputStream;
import java.io.PrintStream;
import java.security.Provider;
import dev.edgeperimeter.bench.coldstart.RestRequestEvent;
import dev.edgeperimeter.shared.keys.KeyRecord;
import dev.edgeperimeter.shared.keys.KeyState;
import dev.edgeperimeter.shared.keys.KeyTable;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The authorizer's hot paths, each beside its floor (the bare JCA primitive over the same bytes).
 * Run by {@link AuthorizerSection} through JMH's {@code Runner}; the fixtures come from the file
 * named by the {@code bench.fixtures} system property ({@link TokenFixtures}). No network: keys come
 * from an in-memory key loader, the JWKS from an in-memory Nimbus {@code JWKSetSource}. The two
 * authorizer rows run the real pipeline, the decision's Powertools log line and EMF document
 * included (written to a discarded {@code System.out}: formatting is measured, the pipe is not).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class AuthorizerBenchmarks {

  /** Cache TTL of the verified-token cache in the distinct-token benchmark. */
  static final Duration DISTINCT_CACHE_TTL = Duration.ofSeconds(1);

  /** Everything built once per fork. */
  @State(Scope.Thread)
  public static class Fixture {
    TokenFixtures f;
    AuthorizerCore edgeCore;
    AuthorizerCore jwtCore;
    byte[][] edgeEvents;
    ByteArrayOutputStream edgeResponse;
    AuthorizerPipeline edgePipeline;
    AuthorizerPipeline jwtPipeline;
    byte[][] jwtEvents;
    PrintStream stdout;
    AuthRequest[] jwtRequests;
    byte[][] edgeSigningInputs;
    Mac hmac;

    UserTokenVerifier noCache;
    UserTokenVerifier noCacheJdk;
    Signature rsaSigAccp;
    Signature ecSigAccp;
    UserTokenVerifier distinctVerifierJdk;
    SteppingClock distinctClockJdk;
    int distinctIndexJdk;
    String[] rsTokens;
    String[] esTokens;
    byte[][] rsInputs;
    byte[][] rsSignatures;
    byte[][] esInputs;
    byte[][] esDerSignatures;
    PublicKey rsaKey;
    PublicKey ecKey;
    Signature rsaSig;
    Signature ecSig;

    UserTokenVerifier distinctVerifier;
    SteppingClock distinctClock;
    UserTokenVerifier repeatedVerifier;
    String repeatedToken;

    int edgeIndex;
    int jwtIndex;
    int rsIndex;
    int esIndex;
    int distinctIndex;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
      f = TokenFixtures.read(Path.of(System.getProperty("bench.fixtures")));
      accp = SignatureProviders.accpOrJdk();
      if (accp.provider() == null) {
        throw new IllegalStateException("ACCP did not load: " + accp.description());
      }
      Clock clock = Clock.fixed(Instant.ofEpochSecond(f.now()), ZoneOffset.UTC);
      byte[] key = f.edgeKeyBytes();
      KeyRecord current = new KeyRecord(KeyTable.DEFAULT_KEY_SET, f.edgeKid(), KeyTable.ALG_HS256, KeyState.CURRENT,
          key, Instant.ofEpochSecond(f.now() - 86_400), Optional.of(Instant.ofEpochSecond(f.now() - 86_400)),
          Optional.empty(), f.now() + 90L * 86_400, Optional.empty(), 1);
      EdgeKeyCache keys = new EdgeKeyCache(KeyTable.DEFAULT_KEY_SET, (set, deadline) -> List.of(current),
          (set, kid, ciphertext, deadline) -> ciphertext.clone(), clock, Duration.ofSeconds(60), Duration.ZERO,
          Duration.ofSeconds(2), warning -> { });
      EdgeAssertionVerifier assertions = new EdgeAssertionVerifier(Set.of(f.edgeIssuer()), f.edgeAudience(),
          Duration.ofSeconds(30), Duration.ofSeconds(300), keys, clock);
      RouteScopes routes = RouteScopes.shipped(); // policy/routes.yaml, compiled, as the zip carries it
      edgeCore = new AuthorizerCore(AuthMode.EDGE, assertions, null, routes);
      jwtCore = new AuthorizerCore(AuthMode.EDGE_JWT, assertions, verifier(clock, Duration.ofSeconds(60)), routes);

      // edge mode starts from the raw REST REQUEST event (no Authorization header), as Lambda hands it over
      edgeEvents = f.edgeAssertions().stream()
          .map(a -> RestRequestEvent.json(a, null, f.now()).getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
      edgeResponse = new ByteArrayOutputStream(1024);
      DecisionTelemetry telemetry = DecisionTelemetry.of("EdgePerimeterBench", "authorizer");
      edgePipeline = new AuthorizerPipeline(edgeCore, telemetry, HttpApiResponse.SIMPLE);
      jwtPipeline = new AuthorizerPipeline(jwtCore, telemetry, HttpApiResponse.SIMPLE);
      String token = f.rs256Tokens().get(0);
      jwtEvents = f.boundAssertions().stream()
          .map(a -> RestRequestEvent.json(a, token, f.now()).getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
      stdout = System.out;
      System.setOut(new PrintStream(java.io.OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8));
      jwtRequests = f.boundAssertions().stream()
          .map(a -> AuthRequest.of(f.method(), f.path(), a, token, f.methodArn())).toArray(AuthRequest[]::new);
      edgeSigningInputs = f.edgeAssertions().stream()
          .map(a -> a.substring(0, a.lastIndexOf('.')).getBytes(StandardCharsets.US_ASCII)).toArray(byte[][]::new);
      hmac = Mac.getInstance("HmacSHA256");
      hmac.init(new SecretKeySpec(key, "HmacSHA256"));
      for (byte[] event : edgeEvents) {
        AuthRequest r = EventParser.parse(EventType.REST_REQUEST, event, true);
        if (!r.method().equals(f.method()) || !r.path().equals(f.path()) || !r.methodArn().equals(f.methodArn())) {
          throw new IllegalStateException("edge mode: the event does not describe the fixtures' request");
        }
        expectAllow(edgeCore.decide(r), "edge mode");
      }
      for (AuthRequest r : jwtRequests) {
        expectAllow(jwtCore.decide(r), "edge+jwt mode"); // also fills the verified-token cache
      }

      noCache = verifier(clock, Duration.ZERO);
      noCacheJdk = verifier(clock, Duration.ZERO, SignatureProvider.JDK);
      rsTokens = f.rs256Tokens().toArray(String[]::new);
      esTokens = f.es256Tokens().toArray(String[]::new);
      rsInputs = signingInputs(rsTokens);
      esInputs = signingInputs(esTokens);
      rsSignatures = signatures(rsTokens);
      esDerSignatures = signatures(esTokens);
      for (int i = 0; i < esDerSignatures.length; i++) {
        esDerSignatures[i] = ECDSA.transcodeSignatureToDER(esDerSignatures[i]);
      }
      var jwks = com.nimbusds.jose.jwk.JWKSet.parse(f.jwks());
      rsaKey = jwks.getKeyByKeyId("bench-rsa").toRSAKey().toPublicKey();
      ecKey = jwks.getKeyByKeyId("bench-ec").toECKey().toPublicKey();
      rsaSig = Signature.getInstance("SHA256withRSA");
      ecSig = Signature.getInstance("SHA256withECDSA");
      rsaSigAccp = Signature.getInstance("SHA256withRSA", accp.provider());
      ecSigAccp = Signature.getInstance("SHA256withECDSA", accp.provider());
      for (int i = 0; i < rsTokens.length; i++) {
        noCache.verify(rsTokens[i], null);
        noCache.verify(esTokens[i], null);
        noCacheJdk.verify(rsTokens[i], null);
        noCacheJdk.verify(esTokens[i], null);
        if (!bareVerify(rsaSig, rsaKey, rsInputs[i], rsSignatures[i])
            || !bareVerify(ecSig, ecKey, esInputs[i], esDerSignatures[i])
            || !bareVerify(rsaSigAccp, rsaKey, rsInputs[i], rsSignatures[i])
            || !bareVerify(ecSigAccp, ecKey, esInputs[i], esDerSignatures[i])) {
          throw new IllegalStateException("bare JCA verify failed on fixture token " + i);
        }
      }

      distinctClock = new SteppingClock(f.now() * 1000);
      distinctVerifier = verifier(distinctClock, DISTINCT_CACHE_TTL);
      distinctClockJdk = new SteppingClock(f.now() * 1000);
      distinctVerifierJdk = verifier(distinctClockJdk, DISTINCT_CACHE_TTL, SignatureProvider.JDK);
      repeatedVerifier = verifier(clock, Duration.ofSeconds(60));
      repeatedToken = rsTokens[0];
      repeatedVerifier.verify(repeatedToken, AuthorizerCore.sha256Base64Url(repeatedToken));
      for (byte[] event : edgeEvents) {
        edgeResponse.reset();
        edgePipeline.handle(EventType.REST_REQUEST, new ByteArrayInputStream(event), edgeResponse);
      }
      for (byte[] event : jwtEvents) {
        edgeResponse.reset();
        jwtPipeline.handle(EventType.REST_REQUEST, new ByteArrayInputStream(event), edgeResponse);
      }
    }

    @TearDown(Level.Trial)
    public void restoreStdout() {
      System.setOut(stdout);
    }

    SignatureProviders.Choice accp;

    private UserTokenVerifier verifier(Clock clock, Duration cacheTtl) {
      return verifier(clock, cacheTtl, SignatureProvider.ACCP);
    }

    private UserTokenVerifier verifier(Clock clock, Duration cacheTtl, SignatureProvider which) {
      JWKSet set;
      try {
        set = JWKSet.parse(f.jwks());
      } catch (java.text.ParseException e) {
        throw new IllegalStateException(e);
      }
      IssuerKeys jwks = IssuerKeys.of(set, Duration.ofHours(1), warning -> { });
      Provider provider = which == SignatureProvider.ACCP ? accp.provider() : null;
      return new UserTokenVerifier(f.issuer(), Set.of(f.audience()), TokenUse.ANY, List.of(), Duration.ofSeconds(30),
          cacheTtl, jwks, clock, provider);
    }

    private static void expectAllow(Decision d, String what) {
      if (d.outcome() != Decision.Outcome.ALLOW) {
        throw new IllegalStateException(what + " fixture not allowed: " + d.reason());
      }
    }
  }

  static byte[][] signingInputs(String[] tokens) {
    byte[][] out = new byte[tokens.length][];
    for (int i = 0; i < tokens.length; i++) {
      out[i] = tokens[i].substring(0, tokens[i].lastIndexOf('.')).getBytes(StandardCharsets.US_ASCII);
    }
    return out;
  }

  static byte[][] signatures(String[] tokens) {
    byte[][] out = new byte[tokens.length][];
    for (int i = 0; i < tokens.length; i++) {
      out[i] = Base64.getUrlDecoder().decode(tokens[i].substring(tokens[i].lastIndexOf('.') + 1));
    }
    return out;
  }

  static boolean bareVerify(Signature sig, PublicKey key, byte[] input, byte[] signature) throws GeneralSecurityException {
    sig.initVerify(key);
    sig.update(input);
    return sig.verify(signature);
  }

  // ---------------------------------------------------------------- edge mode

  /**
   * Edge mode, event to policy through the real pipeline ({@link AuthorizerPipeline}): the raw REST
   * {@code REQUEST} event bytes parsed, assertion steps 1-6 (keys cached), the route policy, the
   * decision's Powertools log line and EMF document, the IAM policy response written.
   */
  @Benchmark
  @Warmup(iterations = 10, time = 1) // the whole pipeline, Powertools and log4j included: the JIT needs longer
  public int edgeMode(Fixture s) throws IOException {
    byte[][] events = s.edgeEvents;
    ByteArrayOutputStream out = s.edgeResponse;
    out.reset();
    s.edgePipeline.handle(EventType.REST_REQUEST, new ByteArrayInputStream(events[s.edgeIndex++ % events.length]), out);
    return out.size();
  }

  /** Floor: bare JCA HmacSHA256 over the same assertion signing input. */
  @Benchmark
  public byte[] edgeFloorHmac(Fixture s) {
    byte[][] in = s.edgeSigningInputs;
    return s.hmac.doFinal(in[s.edgeIndex++ % in.length]);
  }

  /**
   * edge+jwt through the real pipeline: event parsed, assertion, user token served from the
   * verified-token cache, policy, log line and EMF document, response written.
   */
  @Benchmark
  @Warmup(iterations = 10, time = 1) // as edgeMode
  public int edgeJwtCacheHit(Fixture s) throws IOException {
    byte[][] events = s.jwtEvents;
    ByteArrayOutputStream out = s.edgeResponse;
    out.reset();
    s.jwtPipeline.handle(EventType.REST_REQUEST, new ByteArrayInputStream(events[s.jwtIndex++ % events.length]), out);
    return out.size();
  }

  // ---------------------------------------------------------------- user tokens, full verify

  /** Full RS256 user-token verify (parse, JWKS key, signature, claims), no cache, distinct tokens; ACCP verifies. */
  @Benchmark
  public Object rs256Full(Fixture s) throws Rejection {
    return s.noCache.verify(s.rsTokens[s.rsIndex++ % s.rsTokens.length], null);
  }

  /** Floor: bare SHA256withRSA verify of the same tokens on the same provider (ACCP). */
  @Benchmark
  public boolean rs256FloorAccp(Fixture s) throws GeneralSecurityException {
    int i = s.rsIndex++ % s.rsInputs.length;
    return bareVerify(s.rsaSigAccp, s.rsaKey, s.rsInputs[i], s.rsSignatures[i]);
  }

  /** The same full verify with SIGNATURE_PROVIDER=jdk. */
  @Benchmark
  public Object rs256FullJdk(Fixture s) throws Rejection {
    return s.noCacheJdk.verify(s.rsTokens[s.rsIndex++ % s.rsTokens.length], null);
  }

  /** Floor: bare JCA SHA256withRSA verify of the same tokens on the JDK's provider. */
  @Benchmark
  public boolean rs256FloorJca(Fixture s) throws GeneralSecurityException {
    int i = s.rsIndex++ % s.rsInputs.length;
    return bareVerify(s.rsaSig, s.rsaKey, s.rsInputs[i], s.rsSignatures[i]);
  }

  /** Full ES256 user-token verify, no cache, distinct tokens. */
  @Benchmark
  public Object es256Full(Fixture s) throws Rejection {
    return s.noCache.verify(s.esTokens[s.esIndex++ % s.esTokens.length], null);
  }

  /** Floor: bare SHA256withECDSA verify of the same tokens on ACCP (signature transcoded to DER up front). */
  @Benchmark
  public boolean es256FloorAccp(Fixture s) throws GeneralSecurityException {
    int i = s.esIndex++ % s.esInputs.length;
    return bareVerify(s.ecSigAccp, s.ecKey, s.esInputs[i], s.esDerSignatures[i]);
  }

  /** The same full ES256 verify with SIGNATURE_PROVIDER=jdk. */
  @Benchmark
  public Object es256FullJdk(Fixture s) throws Rejection {
    return s.noCacheJdk.verify(s.esTokens[s.esIndex++ % s.esTokens.length], null);
  }

  /** Floor: bare JCA SHA256withECDSA verify of the same tokens on the JDK's provider. */
  @Benchmark
  public boolean es256FloorJca(Fixture s) throws GeneralSecurityException {
    int i = s.esIndex++ % s.esInputs.length;
    return bareVerify(s.ecSig, s.ecKey, s.esInputs[i], s.esDerSignatures[i]);
  }

  // ---------------------------------------------------------------- driven like the peer

  /**
   * Distinct tokens, as the peer runs them: hash (cache key), cache lookup misses (every entry is
   * expired by stepping the verifier's clock past the cache TTL after each round of tokens), full
   * verify, cache insert.
   */
  @Benchmark
  public Object peerModeDistinct(Fixture s) throws Rejection {
    return distinct(s.distinctVerifier, s.distinctClock, s.rsTokens, s.distinctIndex++);
  }

  /** {@link #peerModeDistinct} with SIGNATURE_PROVIDER=jdk. */
  @Benchmark
  public Object peerModeDistinctJdk(Fixture s) throws Rejection {
    return distinct(s.distinctVerifierJdk, s.distinctClockJdk, s.rsTokens, s.distinctIndexJdk++);
  }

  private static Object distinct(UserTokenVerifier verifier, SteppingClock clock, String[] tokens, int n)
      throws Rejection {
    int i = n % tokens.length;
    if (i == 0) {
      clock.advance(DISTINCT_CACHE_TTL.toMillis() + 1);
    }
    String token = tokens[i];
    return verifier.verify(token, AuthorizerCore.sha256Base64Url(token));
  }

  /** The same token again and again: hash + verified-token cache hit. */
  @Benchmark
  public Object peerModeRepeated(Fixture s) throws Rejection {
    String token = s.repeatedToken;
    return s.repeatedVerifier.verify(token, AuthorizerCore.sha256Base64Url(token));
  }
}
