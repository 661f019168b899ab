package dev.edgeperimeter.local.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The generated files are what the shipped policy compiles to: the table packed into the
 * authorizer, the EdgeWorker's module, and the decision vectors both test suites run. A policy
 * change without {@code bin/policy compile} fails here; after it, any disagreement between the
 * sides fails the vector tests of the Java or the JavaScript suite.
 */
@DisplayName("bin/policy compile: the committed generated files are up to date")
class PolicyFilesTest {
  static Path repo() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isRegularFile(dir.resolve(PolicyCli.POLICY))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("no " + PolicyCli.POLICY + " above " + Path.of("").toAbsolutePath());
    }
    return dir;
  }

  @Test
  void everyGeneratedFileIsWhatThePolicyCompilesTo() throws IOException {
    PolicyCli cli = new PolicyCli(repo(), System.out, System.err);
    PolicyCli.Compiled compiled = cli.load(PolicyCli.POLICY);
    assertThat(compiled.table()).as("the shipped policy compiles").isNotNull();
    for (Map.Entry<String, String> e : PolicyCli.generated(compiled).entrySet()) {
      assertThat(Files.readString(repo().resolve(e.getKey()), StandardCharsets.UTF_8))
          .as(e.getKey() + " is stale: run bin/policy compile").isEqualTo(e.getValue());
    }
  }

  @Test
  void theReferenceModelAgreesWithTheAuthorizerOnTheShippedVectors() throws IOException {
    // the expected decisions come from the reference model; the authorizer's own code decides the same
    PolicyCli.Compiled compiled = new PolicyCli(repo(), System.out, System.err).load(PolicyCli.POLICY);
    var routes = dev.edgeperimeter.authorizer.policy.RouteScopes.parse(compiled.table());
    ReferenceModel model = new ReferenceModel(compiled.routes(), PolicyCli.POLICY);
    for (String path : new String[] {"/orders/42", "/orders/42/items/x", "/orders/..", "/health", "/edge/logs"}) {
      for (String method : new String[] {"GET", "POST", "DELETE"}) {
        var scopes = java.util.Set.of("orders:read");
        assertThat(routes.decide(method, path, scopes).verdict().code()).isEqualTo(model.decide(method, path, scopes)[0]);
      }
    }
  }
}
