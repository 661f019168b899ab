package dev.edgeperimeter.authorizer.perf;

import dev.edgeperimeter.authorizer.core.AuthRequest;
import dev.edgeperimeter.authorizer.core.AuthorizerConfig.TokenUse;
import dev.edgeperimeter.authorizer.core.AuthorizerCore;
import dev.edgeperimeter.authorizer.core.Decision;
import dev.edgeperimeter.authorizer.event.EventParser;
import dev.edgeperimeter.authorizer.event.EventType;
import dev.edgeperimeter.authorizer.event.ResponseWriter;
import dev.edgeperimeter.authorizer.policy.RouteScopes;
import dev.edgeperimeter.authorizer.support.Cores;
import dev.edgeperimeter.authorizer.support.LocalIssuer;
import dev.edgeperimeter.authorizer.support.Minter;
import dev.edgeperimeter.authorizer.usertoken.IssuerKeys;
import dev.edgeperimeter.authorizer.usertoken.UserTokenVerifier;
import dev.edgeperimeter.testsupport.MutableClock;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A quick local measurement (not a test, not JMH): average time per decision, event bytes to
 * response bytes, for edge mode and for edge+jwt with a token-cache hit and miss, against a bare
 * JCA SHA256withRSA verify. Run with:
 * {@code java -cp <test classpath> dev.edgeperimeter.authorizer.perf.LocalMeasurement}.
 */
public final class LocalMeasurement {
  private static volatile Object sink;

  public static void main(String[] args) throws Exception {
    int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 300_000;
    MutableClock clock = MutableClock.at(Minter.NOW);

    // edge mode: REST REQUEST event -> decision -> policy JSON
    AuthorizerCore edge = Cores.edge(RouteScopes.parse("GET /orders/*=orders:read;POST /orders=orders:write"));
    Map<String, Object> claims = Minter.claims("GET", "/orders/42");
    claims.put("scope", "orders:read");
    claims.put("sub", "alice");
    String assertion = Cores.signed(claims);
    byte[] restEvent = Minter.json(Map.of("type", "REQUEST", "methodArn", Minter.arn("GET", "/orders/42"), "path", "/orders/42",
        "httpMethod", "GET", "headers", Map.of("X-Edge-Assertion", assertion, "Host", "api.example.com",
            "User-Agent", "Akamai-EdgeWorker", "X-Forwarded-For", "203.0.113.7"),
        "requestContext", Map.of("stage", "prod", "identity", Map.of("sourceIp", "203.0.113.7"))))
        .getBytes(StandardCharsets.UTF_8);
    report("edge: REST REQUEST event -> policy", iterations, () -> endToEnd(edge, restEvent));
    report("edge: core.decide only", iterations, () -> edge.decide(AuthRequest.of("GET", "/orders/42", assertion, null,
        Minter.arn("GET", "/orders/42"))));

    // edge+jwt: RS256 Cognito-shaped token
    LocalIssuer issuer = new LocalIssuer();
    IssuerKeys jwks = issuer.issuerKeys();
    String token = issuer.rs256(LocalIssuer.accessClaims("alice", Minter.NOW));
    Map<String, Object> bound = Minter.claims("GET", "/orders/42");
    bound.put("ath", AuthorizerCore.sha256Base64Url(token));
    bound.put("sub", "alice");
    String boundAssertion = Cores.signed(bound);
    byte[] jwtEvent = Minter.json(Map.of("type", "REQUEST", "methodArn", Minter.arn("GET", "/orders/42"), "path", "/orders/42",
        "httpMethod", "GET", "headers", Map.of("X-Edge-Assertion", boundAssertion, "Authorization", "Bearer " + token,
            "Host", "api.example.com"))).getBytes(StandardCharsets.UTF_8);
    UserTokenVerifier cached = new UserTokenVerifier(LocalIssuer.ISSUER, Set.of(LocalIssuer.CLIENT_ID), TokenUse.ANY,
        List.of(), Duration.ofSeconds(30), Duration.ofSeconds(60), jwks, clock, null);
    AuthorizerCore jwtCached = Cores.edgeJwt(cached, RouteScopes.none(), clock);
    report("edge+jwt (token cache hit): event -> policy", iterations, () -> endToEnd(jwtCached, jwtEvent));
    UserTokenVerifier uncached = new UserTokenVerifier(LocalIssuer.ISSUER, Set.of(LocalIssuer.CLIENT_ID), TokenUse.ANY,
        List.of(), Duration.ofSeconds(30), Duration.ZERO, jwks, clock, null);
    AuthorizerCore jwtUncached = Cores.edgeJwt(uncached, RouteScopes.none(), clock);
    int rsaIterations = Math.max(iterations / 10, 1000);
    report("edge+jwt (no token cache): event -> policy", rsaIterations, () -> endToEnd(jwtUncached, jwtEvent));
    UserTokenVerifier users = uncached;
    String hash = AuthorizerCore.sha256Base64Url(token);
    report("user token RS256 verify (Nimbus, JDK provider)", rsaIterations, () -> {
      try {
        return users.verify(token, null);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    Signature bare = Signature.getInstance("SHA256withRSA");
    int dot = token.lastIndexOf('.');
    byte[] input = token.substring(0, dot).getBytes(StandardCharsets.US_ASCII);
    byte[] sig = java.util.Base64.getUrlDecoder().decode(token.substring(dot + 1));
    java.security.PublicKey pub = issuer.rsa.toRSAPublicKey();
    report("bare JCA SHA256withRSA verify", rsaIterations, () -> {
      try {
        bare.initVerify(pub);
        bare.update(input);
        return bare.verify(sig);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    sink = hash;
  }

  private static Object endToEnd(AuthorizerCore core, byte[] event) {
    try {
      AuthRequest request = EventParser.parse(EventType.REST_REQUEST, event, true);
      Decision d = core.decide(request);
      if (d.outcome() != Decision.Outcome.ALLOW) {
        throw new IllegalStateException("not allowed: " + d.reason());
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream(512);
      ResponseWriter.policy(d, out);
      return out;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private interface Op {
    Object run();
  }

  private static void report(String name, int iterations, Op op) {
    for (int i = 0; i < iterations; i++) {
      sink = op.run();
    }
    long best = Long.MAX_VALUE;
    for (int round = 0; round < 5; round++) {
      long start = System.nanoTime();
      for (int i = 0; i < iterations; i++) {
        sink = op.run();
      }
      best = Math.min(best, (System.nanoTime() - start) / iterations);
    }
    System.out.printf("%-48s %8.2f us/op (best of 5 x %d)%n", name, best / 1000.0, iterations);
  }
}
