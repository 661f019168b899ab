package dev.edgeperimeter.local.stack;

import dev.edgeperimeter.shared.aws.AwsClients;
import java.net.URI;
import java.security.SecureRandom;
import java.util.Base64;
import software.amazon.awssdk.services.cognitoidentityprovider.CognitoIdentityProviderClient;
import software.amazon.awssdk.services.cognitoidentityprovider.model.AuthFlowType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.AuthenticationResultType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.ExplicitAuthFlowsType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.MessageActionType;

/**
 * The OIDC issuer of the local stack: a Cognito user pool in moto with an app client that allows
 * {@code USER_PASSWORD_AUTH} and one demo user. Access tokens carry
 * {@code iss = https://cognito-idp.us-east-1.amazonaws.com/<poolId>} (what moto writes),
 * {@code client_id}, {@code token_use = access} and {@code scope = aws.cognito.signin.user.admin};
 * their JWKS is served by moto at {@code <moto>/<poolId>/.well-known/jwks.json}.
 */
public final class DemoUserPool implements AutoCloseable {
  /** The demo user's name. */
  public static final String USERNAME = "demo";

  private final CognitoIdentityProviderClient cognito;
  private final URI motoEndpoint;
  private final String poolId;
  private final String clientId;
  private final String password;

  private DemoUserPool(CognitoIdentityProviderClient cognito, URI motoEndpoint, String poolId, String clientId,
      String password) {
    this.cognito = cognito;
    this.motoEndpoint = motoEndpoint;
    this.poolId = poolId;
    this.clientId = clientId;
    this.password = password;
  }

  /** Creates the pool, the app client and the demo user (with a random permanent password). */
  public static DemoUserPool create(AwsClients clients, URI motoEndpoint, String poolName) {
    CognitoIdentityProviderClient cognito = clients.configure(CognitoIdentityProviderClient.builder())
        .httpClient(clients.httpClient()).build();
    String poolId = cognito.createUserPool(r -> r.poolName(poolName)).userPool().id();
    String clientId = cognito.createUserPoolClient(r -> r.userPoolId(poolId).clientName(poolName + "-app")
        .generateSecret(false)
        .explicitAuthFlows(ExplicitAuthFlowsType.ALLOW_USER_PASSWORD_AUTH, ExplicitAuthFlowsType.ALLOW_REFRESH_TOKEN_AUTH))
        .userPoolClient().clientId();
    String password = randomPassword();
    cognito.adminCreateUser(r -> r.userPoolId(poolId).username(USERNAME).messageAction(MessageActionType.SUPPRESS)
        .temporaryPassword(randomPassword()));
    cognito.adminSetUserPassword(r -> r.userPoolId(poolId).username(USERNAME).password(password).permanent(true));
    return new DemoUserPool(cognito, motoEndpoint, poolId, clientId, password);
  }

  private static String randomPassword() {
    byte[] b = new byte[18];
    new SecureRandom().nextBytes(b);
    return "Aa1!" + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  public String poolId() {
    return poolId;
  }

  public String clientId() {
    return clientId;
  }

  /** The {@code iss} of the pool's tokens. */
  public String issuer() {
    return "https://cognito-idp.us-east-1.amazonaws.com/" + poolId;
  }

  /** Where moto serves the pool's JWKS. */
  public String jwksUrl() {
    return motoEndpoint.resolve("/" + poolId + "/.well-known/jwks.json").toString();
  }

  /** Signs the demo user in ({@code USER_PASSWORD_AUTH}) and returns a fresh access token. */
  public String accessToken() {
    return signIn().accessToken();
  }

  /** Signs the demo user in and returns the access, id and refresh tokens. */
  public AuthenticationResultType signIn() {
    return cognito.initiateAuth(r -> r.clientId(clientId).authFlow(AuthFlowType.USER_PASSWORD_AUTH)
        .authParameters(java.util.Map.of("USERNAME", USERNAME, "PASSWORD", password))).authenticationResult();
  }

  @Override
  public void close() {
    cognito.close();
  }
}
