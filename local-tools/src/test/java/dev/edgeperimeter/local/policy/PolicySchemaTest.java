package dev.edgeperimeter.local.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The shipped JSON Schema (what editors validate with) agrees with {@code bin/policy check} on the
 * shipped policy and on format errors. Run with the Python {@code jsonschema} and {@code yaml}
 * packages that cfn-lint brings ({@code ensure_python_tools}); skipped where they are missing.
 */
@DisplayName("policy/routes.schema.json: valid Draft 2020-12; accepts the shipped policy; refuses what check refuses")
class PolicySchemaTest {
  private static final String SCRIPT = """
      import json, sys, yaml, jsonschema
      schema = json.load(open(sys.argv[1]))
      jsonschema.Draft202012Validator.check_schema(schema)
      v = jsonschema.Draft202012Validator(schema)
      def errors(doc): return len(list(v.iter_errors(doc)))
      print('shipped', errors(yaml.safe_load(open(sys.argv[2]))))
      rule = lambda **kw: {'version': 1, 'routes': [dict(method='GET', path='/orders/{id}', **kw)]}
      print('unknown_field', errors(rule(any_of=['a'], scopes=['b'])))
      print('wildcard_in_segment', errors({'version': 1, 'routes': [{'method': 'GET', 'path': '/orders*', 'any_of': ['a']}]}))
      print('public_with_scopes', errors(rule(public=True, any_of=['a'])))
      print('no_scopes', errors(rule()))
      print('lower_case_method', errors({'version': 1, 'routes': [{'method': 'get', 'path': '/x', 'any_of': ['a']}]}))
      """;

  @Test
  void theSchemaAgreesWithTheChecker() throws Exception {
    var repo = PolicyFilesTest.repo();
    Process p;
    try {
      p = new ProcessBuilder("python3", "-c", SCRIPT, repo.resolve("policy/routes.schema.json").toString(),
          repo.resolve(PolicyCli.POLICY).toString()).redirectErrorStream(true).start();
    } catch (IOException e) {
      Assumptions.abort("no python3: " + e.getMessage());
      return;
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    Assumptions.assumeFalse(out.contains("ModuleNotFoundError"), "python3 without jsonschema/yaml: " + out);
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains("shipped 0", "unknown_field 1", "wildcard_in_segment 1",
        "public_with_scopes 1", "no_scopes 1", "lower_case_method 1");
  }
}
