package dev.edgeperimeter.authorizer.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The decision vectors generated from the shipped policy ({@code policy/decision-vectors.json},
 * written by {@code bin/policy compile} with the expected decisions of a reference model): the
 * origin decides every case as expected, on the table the build packed into the function. The
 * EdgeWorker's suite runs the same file ({@code edgeworker/test/route-policy.test.mjs}).
 */
@DisplayName("Route policy: the decision vectors, on the shipped table")
class DecisionVectorsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static Path repo() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isDirectory(dir.resolve("policy"))) {
      dir = dir.getParent();
    }
    return dir == null ? Path.of("..") : dir;
  }

  private static JsonNode vectors() throws IOException {
    return JSON.readTree(repo().resolve("policy/decision-vectors.json").toFile());
  }

  @Test
  void theTableOnTheClasspathIsTheCompiledPolicyTheVectorsWereMadeFrom() throws IOException {
    String onDisk = Files.readString(repo().resolve(vectors().get("table").asText()), StandardCharsets.UTF_8);
    assertThat(RouteScopes.shipped().rules()).isEqualTo(RouteScopes.parse(onDisk).rules());
  }

  @Test
  void everyCaseIsDecidedAsExpected() throws IOException {
    RouteScopes routes = RouteScopes.shipped();
    List<String> failures = new ArrayList<>();
    int n = 0;
    for (JsonNode c : vectors().get("cases")) {
      n++;
      String method = c.get(0).asText();
      String path = c.get(1).asText();
      Set<String> scopes = new HashSet<>();
      c.get(2).forEach(s -> scopes.add(s.asText()));
      String decision = c.get(3).asText();
      String rule = c.get(4).isNull() ? null : c.get(4).asText();
      RouteScopes.Outcome got = routes.decide(method, path, scopes);
      String gotRule = got.rule() == null ? null : got.rule().source();
      if (!got.verdict().code().equals(decision) || !java.util.Objects.equals(gotRule, rule)) {
        failures.add(method + " " + path + " " + scopes + ": expected " + decision + " by " + rule + ", got "
            + got.verdict().code() + " by " + gotRule);
      }
    }
    assertThat(n).as("cases").isGreaterThan(1000);
    assertThat(failures).as("cases decided otherwise").isEmpty();
  }

  @Test
  void theVectorsCoverEveryDecisionAndEveryRule() throws IOException {
    Set<String> decisions = new HashSet<>();
    Set<String> rules = new HashSet<>();
    for (JsonNode c : vectors().get("cases")) {
      decisions.add(c.get(3).asText());
      if (!c.get(4).isNull()) {
        rules.add(c.get(4).asText());
      }
    }
    assertThat(decisions).containsExactlyInAnyOrder("allow", "scope_denied", "path_not_normal");
    assertThat(rules).hasSize(RouteScopes.shipped().rules().size());
  }
}
