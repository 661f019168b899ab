package dev.edgeperimeter.local.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bin/policy check}: located messages and a non-zero exit on every error. */
@DisplayName("bin/policy check: the shipped policy passes; errors are located and fail")
class PolicyCheckTest {
  @TempDir
  Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return new PolicyCli(PolicyFilesTest.repo(), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
  }

  private String errors() {
    return err.toString(StandardCharsets.UTF_8);
  }

  private int check(String yaml) throws IOException {
    Path file = dir.resolve("routes.yaml");
    Files.writeString(file, yaml);
    return run("check", file.toString());
  }

  @Test
  void theShippedPolicyChecksWithoutErrors() {
    assertThat(run("check")).as(errors()).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("policy/routes.yaml: 6 rules, 0 errors");
  }

  @Test
  void aShadowedRuleFailsWithItsLine() throws IOException {
    int rc = check("""
        version: 1
        routes:
          - method: GET
            path: /orders/{id}
            any_of: [orders:read]
          - method: GET
            path: /orders/special
            any_of: [orders:admin]
        """);
    assertThat(rc).isEqualTo(1);
    assertThat(errors()).contains("routes.yaml:6: error: shadowed by the rule on line 3 (GET /orders/{id})");
  }

  @Test
  void anUnknownFieldFailsWithItsLine() throws IOException {
    int rc = check("""
        version: 1
        routes:
          - method: GET
            path: /orders/{id}
            any_of: [orders:read]
            scopes: [orders:admin]
        """);
    assertThat(rc).isEqualTo(1);
    assertThat(errors()).contains("routes.yaml:6: error: unknown field 'scopes' in a rule");
  }

  @Test
  void otherErrorsAreLocatedToo() throws IOException {
    int rc = check("""
        version: 1
        routes:
          - method: GET
            path: /orders*
            any_of: [orders:read]
          - method: ANY
            path: /*
            any_of: [x]
          - method: get
            path: /a/../b
            all_of: [a, a]
          - method: POST
            path: /orders
          - method: GET
            path: /health
            public: true
            any_of: [x]
          - method: GET
            path: /orders/{id}
            any_of: [orders:read]
          - method: GET
            path: /orders/{id}
            any_of: [orders:read]
        """);
    assertThat(rc).isEqualTo(1);
    assertThat(errors()).contains(
        "routes.yaml:4: error: 'orders*': a wildcard must be a whole final segment",
        "routes.yaml:6: error: ANY /* grants every path of the API",
        "routes.yaml:9: error: 'method' must be one of",
        "routes.yaml:10: error: unreachable: the path rule refuses '..' segments",
        "routes.yaml:11: error: 'all_of' names 'a' twice",
        "routes.yaml:12: error: the rule names no scopes",
        "routes.yaml:16: error: a public rule names no scopes",
        "routes.yaml:18: error: shadowed by the rule on line 6 (ANY /*)");
    assertThat(out.toString(StandardCharsets.UTF_8)).as("every declared rule counted").contains(": 7 rules, ");
  }

  @Test
  void aPartialOverlapWithAnotherGrantIsAWarningNamingAnExample() throws IOException {
    int rc = check("""
        version: 1
        routes:
          - method: GET
            path: /a/{x}/c
            any_of: [one]
          - method: GET
            path: /a/b/{y}
            any_of: [two]
        """);
    assertThat(rc).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("routes.yaml:6: warning: overlaps the rule on line 3 (GET /a/{x}/c), which decides requests such as GET /a/b/c");
  }

  @Test
  void notYamlOrNotAPolicyFailsLocated() throws IOException {
    assertThat(check("version: 1\nroutes: [\n")).isEqualTo(1);
    assertThat(errors()).contains("routes.yaml:").contains("not valid YAML");
    err.reset();
    assertThat(check("version: 2\nroutes: []\nextra: 1\n")).isEqualTo(1);
    assertThat(errors()).contains("routes.yaml:1: error: 'version' must be 1", "routes.yaml:2: error: 'routes' must be a non-empty",
        "routes.yaml:3: error: unknown field 'extra' in the policy");
  }

  @Test
  void explainPrintsBothSidesAndTheDecidingRule() {
    assertThat(run("explain", "POST", "/orders", "--scopes", "orders:read")).isZero();
    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(text).contains("origin (authorizer):  scope_denied", "rule policy/routes.yaml:31 POST /orders",
        "edge (EdgeWorker):    scope_denied");
  }
}
