package dev.edgeperimeter.authorizer.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgeperimeter.authorizer.core.AuthorizerConfig;
import dev.edgeperimeter.authorizer.core.AuthorizerConfig.AuthMode;
import dev.edgeperimeter.authorizer.core.AuthorizerConfig.HttpApiResponse;
import dev.edgeperimeter.authorizer.core.AuthorizerConfig.TokenUse;
import dev.edgeperimeter.shared.config.ConfigException;
import dev.edgeperimeter.shared.config.Env;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("Configuration is validated at cold start, naming the bad variable")
class AuthorizerConfigTest {
  private static Map<String, String> minimal() {
    Map<String, String> env = new HashMap<>();
    env.put("KEY_TABLE_NAME", "keys");
    env.put("EDGE_ISSUERS", "akamai-edgeworker:1234567, akamai-edgeworker:7654321");
    env.put("EDGE_AUDIENCE", "orders-api");
    env.put("OIDC_ISSUER", "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_X");
    env.put("OIDC_AUDIENCE", "client-a,client-b");
    return env;
  }

  @Test
  void defaults() {
    AuthorizerConfig c = AuthorizerConfig.fromEnv(Env.of(minimal()));
    assertThat(c.mode()).isEqualTo(AuthMode.EDGE_JWT);
    assertThat(c.keySet()).isEqualTo("edge-origin");
    assertThat(c.edgeIssuers()).containsExactlyInAnyOrder("akamai-edgeworker:1234567", "akamai-edgeworker:7654321");
    assertThat(c.clockSkew()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.maxAssertionLifetime()).isEqualTo(Duration.ofSeconds(300));
    assertThat(c.keyCacheTtl()).isEqualTo(Duration.ofSeconds(60));
    assertThat(c.maxStaleness()).isEqualTo(Duration.ofSeconds(900));
    assertThat(c.tokenUse()).isEqualTo(TokenUse.ANY);
    assertThat(c.tokenCacheTtl()).isEqualTo(Duration.ofSeconds(60));
    assertThat(c.routeScopes().enforced()).as("the shipped policy, from the classpath").isTrue();
    assertThat(c.httpApiResponse()).isEqualTo(HttpApiResponse.SIMPLE);
    assertThat(c.signatureProvider()).isEqualTo(AuthorizerConfig.SignatureProvider.ACCP);
    assertThat(c.metricsNamespace()).isEqualTo("EdgePerimeter");
    assertThat(c.oidcAudiences()).containsExactlyInAnyOrder("client-a", "client-b");
  }

  @Test
  void edgeModeNeedsNoOidcSettings() {
    Map<String, String> env = minimal();
    env.remove("OIDC_ISSUER");
    env.remove("OIDC_AUDIENCE");
    env.put("AUTH_MODE", "edge");
    env.put("OIDC_JWKS_URL", "");
    assertThat(AuthorizerConfig.fromEnv(Env.of(env)).mode()).isEqualTo(AuthMode.EDGE);
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(delimiter = '|', value = {
      "AUTH_MODE|jwt",
      "KEY_TABLE_NAME|",
      "KEY_SET|bad key set!",
      "EDGE_ISSUERS|",
      "EDGE_AUDIENCE|",
      "CLOCK_SKEW_SECONDS|-1",
      "CLOCK_SKEW_SECONDS|thirty",
      "MAX_ASSERTION_LIFETIME_SECONDS|301",
      "KEY_CACHE_TTL_SECONDS|0",
      "MAX_STALENESS_SECONDS|100000",
      "OIDC_ISSUER|",
      "OIDC_ISSUER|not a url",
      "OIDC_AUDIENCE|",
      "OIDC_JWKS_URL|/relative",
      "OIDC_TOKEN_USE|refresh",
      "TOKEN_CACHE_SECONDS|-5",
      "HTTP_API_RESPONSE|lambda",
      "SIGNATURE_PROVIDER|bouncycastle",
      "POWERTOOLS_LOG_LEVEL|LOUD"})
  void invalidValuesNameTheVariable(String variable, String value) {
    Map<String, String> env = minimal();
    env.put(variable, value == null ? "" : value);
    assertThatThrownBy(() -> AuthorizerConfig.fromEnv(Env.of(env)))
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(((ConfigException) e).variable()).isEqualTo(variable))
        .hasMessageStartingWith(variable + " ");
  }
}
