package dev.edgeperimeter.authorizer.usertoken;

import static dev.edgeperimeter.authorizer.support.Cores.assertAllowed;
import static dev.edgeperimeter.authorizer.support.Cores.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;

import dev.edgeperimeter.authorizer.core.AuthRequest;
import dev.edgeperimeter.authorizer.core.AuthorizerConfig;
import dev.edgeperimeter.authorizer.core.AuthorizerCore;
import dev.edgeperimeter.authorizer.core.Decision;
import dev.edgeperimeter.authorizer.core.Reason;
import dev.edgeperimeter.authorizer.support.Minter;
import dev.edgeperimeter.authorizer.support.MotoKeys;
import dev.edgeperimeter.authorizer.wiring.Authorizer;
import dev.edgeperimeter.shared.config.Env;
import dev.edgeperimeter.shared.keys.KeyState;
import dev.edgeperimeter.testsupport.MotoExtension;
import dev.edgeperimeter.testsupport.MotoServer;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.cognitoidentityprovider.CognitoIdentityProviderClient;
import software.amazon.awssdk.services.cognitoidentityprovider.model.AuthFlowType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.AuthenticationResultType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.ExplicitAuthFlowsType;

/**
 * Step 7 with real user tokens: moto's Cognito user pool issues access and id tokens
 * (USER_PASSWORD_AUTH), the authorizer verifies them through the JWKS URL moto serves, over HTTP,
 * with the token {@code iss} of real Cognito.
 */
@ExtendWith(MotoExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("Step 7 with Cognito tokens (moto user pool)")
class CognitoUserTokenTest {
  private static final String KID = "cognito-test.k1";
  private static final byte[] MATERIAL = Minter.key("cognito-test");

  private String poolId;
  private String clientId;
  private AuthenticationResultType tokens;
  private Authorizer runtime;
  private MotoServer server;

  @BeforeAll
  void setUp(MotoServer server) {
    this.server = server;
    MotoKeys keys = new MotoKeys(server, "cognito");
    long now = Clock.systemUTC().instant().getEpochSecond();
    keys.put(KID, KeyState.CURRENT, MATERIAL, now + 86_400);
    try (CognitoIdentityProviderClient cognito = server.clients()
        .configure(CognitoIdentityProviderClient.builder()).httpClient(server.clients().httpClient()).build()) {
      poolId = cognito.createUserPool(b -> b.poolName("edge-perimeter-test")).userPool().id();
      clientId = cognito.createUserPoolClient(b -> b.userPoolId(poolId).clientName("edge-app")
          .explicitAuthFlows(ExplicitAuthFlowsType.ALLOW_USER_PASSWORD_AUTH, ExplicitAuthFlowsType.USER_PASSWORD_AUTH))
          .userPoolClient().clientId();
      cognito.adminCreateUser(b -> b.userPoolId(poolId).username("alice").temporaryPassword("Temp-Passw0rd!"));
      cognito.adminSetUserPassword(b -> b.userPoolId(poolId).username("alice").password("Real-Passw0rd!").permanent(true));
      tokens = cognito.initiateAuth(b -> b.clientId(clientId).authFlow(AuthFlowType.USER_PASSWORD_AUTH)
          .authParameters(Map.of("USERNAME", "alice", "PASSWORD", "Real-Passw0rd!"))).authenticationResult();
    }
    runtime = runtime(Map.of());
  }

  private Authorizer runtime(Map<String, String> overrides) {
    MotoKeys keys = new MotoKeys(server, "cognito-rt");
    keys.put(KID, KeyState.CURRENT, MATERIAL, Clock.systemUTC().instant().getEpochSecond() + 86_400);
    Map<String, String> env = new HashMap<>(keys.edgeEnvironment());
    env.put("AUTH_MODE", "edge+jwt");
    env.put("OIDC_ISSUER", "https://cognito-idp.us-east-1.amazonaws.com/" + poolId);
    env.put("OIDC_AUDIENCE", clientId);
    env.put("OIDC_JWKS_URL", server.endpoint() + "/" + poolId + "/.well-known/jwks.json");
    env.putAll(overrides);
    return Authorizer.create(AuthorizerConfig.fromEnv(Env.of(env)).withRouteScopes(dev.edgeperimeter.authorizer.policy.RouteScopes.none()), server.clients(), null, Clock.systemUTC());
  }

  private AuthRequest request(String token, String sub) {
    long now = Clock.systemUTC().instant().getEpochSecond();
    Map<String, Object> c = Minter.claims("GET", "/orders/42");
    c.put("iat", now);
    c.put("exp", now + 60);
    c.put("ath", AuthorizerCore.sha256Base64Url(token));
    if (sub != null) {
      c.put("sub", sub);
    }
    String assertion = Minter.sign(MATERIAL, Minter.header(KID), c);
    return AuthRequest.of("GET", "/orders/42", assertion, token, Minter.arn("GET", "/orders/42"));
  }

  private static String sub(String jwt) throws Exception {
    return Minter.JSON.readTree(java.util.Base64.getUrlDecoder().decode(jwt.split("\\.")[1])).get("sub").asText();
  }

  @Test
  void accessTokenIsVerifiedThroughTheJwksUrl() throws Exception {
    String token = tokens.accessToken();
    Decision d = runtime.pipeline().core().decide(request(token, sub(token)));
    assertAllowed(d);
    assertThat(d.principalId()).isEqualTo(sub(token));
    assertThat(runtime.issuerKeys().orElseThrow().fetch()).as("the JWKS moto serves is cached").isTrue();
  }

  @Test
  void idTokenIsVerified() throws Exception {
    assertAllowed(runtime.pipeline().core().decide(request(tokens.idToken(), sub(tokens.idToken()))));
  }

  @Test
  void tokenUseAccessRefusesTheIdToken() {
    Authorizer accessOnly = runtime(Map.of("OIDC_TOKEN_USE", "access"));
    assertAllowed(accessOnly.pipeline().core().decide(request(tokens.accessToken(), null)));
    assertRejected(accessOnly.pipeline().core().decide(request(tokens.idToken(), null)), Reason.USER_TOKEN_INVALID);
  }

  @Test
  void anotherClientsTokenIsRejected() {
    Authorizer other = runtime(Map.of("OIDC_AUDIENCE", "some-other-client"));
    assertRejected(other.pipeline().core().decide(request(tokens.accessToken(), null)), Reason.USER_TOKEN_INVALID);
  }

  @Test
  void anotherIssuerIsRejected() {
    Authorizer other = runtime(Map.of("OIDC_ISSUER", "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other"));
    assertRejected(other.pipeline().core().decide(request(tokens.accessToken(), null)), Reason.USER_TOKEN_INVALID);
  }

  @Test
  void subjectMismatchWithTheAssertion() {
    assertRejected(runtime.pipeline().core().decide(request(tokens.accessToken(), "mallory")), Reason.SUBJECT_MISMATCH);
  }

  @Test
  void tamperedCognitoTokenIsRejected() {
    String[] p = tokens.accessToken().split("\\.");
    String tampered = p[0] + "." + p[1] + "." + (p[2].charAt(0) == 'A' ? 'B' : 'A') + p[2].substring(1);
    assertRejected(runtime.pipeline().core().decide(request(tampered, null)), Reason.USER_TOKEN_INVALID);
  }
}
