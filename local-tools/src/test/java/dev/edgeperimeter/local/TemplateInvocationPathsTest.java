package dev.edgeperimeter.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.edgeperimeter.shared.json.JsonLimits;
import dev.edgeperimeter.testsupport.SamTemplate;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What SAM generates from template.yaml (the transform applied offline by
 * build-support/sam-transform.py): every path by which anything invokes one of our functions names
 * the function's alias, never the unqualified ARN ($LATEST never runs from a SnapStart snapshot and
 * escapes the canary deployment).
 */
class TemplateInvocationPathsTest {
  private static Map<String, Object> resources;
  private static Set<String> aliases;
  private static final SamTemplate TEMPLATE = SamTemplate.load();

  @BeforeAll
  static void transform() throws Exception {
    Path project = SamTemplate.locate().getParent();
    Process p = new ProcessBuilder("python3", "build-support/sam-transform.py", "template.yaml")
        .directory(project.toFile())
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor()).as("sam-transform.py exit code (needs cfn-lint's samtranslator)").isZero();
    resources = SamTemplate.map(parse(new String(out, StandardCharsets.UTF_8)).get("Resources"));
    aliases = resources.entrySet().stream()
        .filter(e -> "AWS::Lambda::Alias".equals(SamTemplate.map(e.getValue()).get("Type")))
        .map(Map.Entry::getKey)
        .collect(Collectors.toSet());
  }

  @Test
  @DisplayName("every Java function publishes a live alias and uses SnapStart on published versions")
  void functionsHaveAliasesAndSnapStart() {
    for (String fn : TEMPLATE.resourcesOfType("AWS::Serverless::Function")) {
      Map<String, Object> props = TEMPLATE.properties(fn);
      assertThat(props.get("AutoPublishAlias")).as(fn + " AutoPublishAlias").isEqualTo("live");
      if ("java21".equals(TEMPLATE.functionProperty(fn, "Runtime").orElse(null))) {
        assertThat(SamTemplate.map(props.get("SnapStart")).get("ApplyOn")).as(fn + " SnapStart")
            .isEqualTo("PublishedVersions");
        assertThat(props).as(fn + " DeploymentPreference").containsKey("DeploymentPreference");
      }
    }
    assertThat(aliases).contains("AuthorizerFunctionAliaslive", "LogIngestFunctionAliaslive",
        "KeyRotationFunctionAliaslive", "ExampleBackendFunctionAliaslive");
  }

  @Test
  @DisplayName("the Lambda authorizer's URI names the authorizer alias")
  void authorizerUsesAlias() {
    List<Object> authorizerUris = new ArrayList<>();
    collect(resources, "authorizerUri", authorizerUris);
    resources.values().stream().map(SamTemplate::map)
        .filter(r -> "AWS::ApiGateway::Authorizer".equals(r.get("Type")))
        .forEach(r -> authorizerUris.add(SamTemplate.map(r.get("Properties")).get("AuthorizerUri")));
    assertThat(authorizerUris).isNotEmpty();
    authorizerUris.forEach(uri -> assertThat(referencesAlias(uri)).as("authorizer uri %s", uri).isTrue());
  }

  @Test
  @DisplayName("every API integration invokes an alias")
  void integrationsUseAliases() {
    List<Object> uris = new ArrayList<>();
    collectIntegrationUris(resources, uris);
    assertThat(uris).hasSizeGreaterThanOrEqualTo(3);
    uris.forEach(uri -> assertThat(referencesAlias(uri)).as("integration uri %s", uri).isTrue());
  }

  @Test
  @DisplayName("every invoke permission and every schedule target is an alias")
  void permissionsAndTargetsUseAliases() {
    int checked = 0;
    for (Map.Entry<String, Object> e : resources.entrySet()) {
      Map<String, Object> r = SamTemplate.map(e.getValue());
      Map<String, Object> props = SamTemplate.map(r.get("Properties"));
      switch (String.valueOf(r.get("Type"))) {
        case "AWS::Lambda::Permission" -> {
          assertThat(referencesAlias(props.get("FunctionName"))).as(e.getKey()).isTrue();
          checked++;
        }
        case "AWS::Events::Rule" -> {
          for (Object target : SamTemplate.list(props.get("Targets"))) {
            assertThat(referencesAlias(SamTemplate.map(target).get("Arn"))).as(e.getKey()).isTrue();
            checked++;
          }
        }
        case "AWS::Lambda::EventInvokeConfig" -> {
          assertThat(props.get("Qualifier")).as(e.getKey()).isEqualTo("live");
          checked++;
        }
        default -> {
        }
      }
    }
    assertThat(checked).isGreaterThanOrEqualTo(6);
  }

  @Test
  @DisplayName("the monthly rotation schedule is cron(0 3 1 * ? *) with retries and a dead-letter queue")
  void rotationSchedule() {
    Map<String, Object> rule = SamTemplate.map(SamTemplate.map(resources.get("KeyRotationFunctionMonthlyRotation"))
        .get("Properties"));
    assertThat(rule.get("ScheduleExpression")).isEqualTo("cron(0 3 1 * ? *)");
    Map<String, Object> target = SamTemplate.map(SamTemplate.list(rule.get("Targets")).get(0));
    assertThat(target).containsKeys("RetryPolicy", "DeadLetterConfig");
  }

  private boolean referencesAlias(Object value) {
    String text = String.valueOf(value);
    return aliases.stream().anyMatch(text::contains);
  }

  @SuppressWarnings("unchecked")
  private static void collect(Object node, String key, List<Object> out) {
    if (node instanceof Map<?, ?> m) {
      m.forEach((k, v) -> {
        if (key.equals(k)) {
          out.add(v);
        }
        collect(v, key, out);
      });
    } else if (node instanceof List<?> l) {
      l.forEach(v -> collect(v, key, out));
    }
  }

  private static void collectIntegrationUris(Object node, List<Object> out) {
    if (node instanceof Map<?, ?> m) {
      m.forEach((k, v) -> {
        if ("x-amazon-apigateway-integration".equals(k)) {
          out.add(SamTemplate.map(v).get("uri"));
        }
        collectIntegrationUris(v, out);
      });
    } else if (node instanceof List<?> l) {
      l.forEach(v -> collectIntegrationUris(v, out));
    }
  }

  /** Minimal JSON to maps/lists with the shared streaming factory (test-only). */
  static Map<String, Object> parse(String json) throws IOException {
    try (JsonParser p = JsonLimits.FACTORY.createParser(json)) {
      p.nextToken();
      return SamTemplate.map(read(p));
    }
  }

  private static Object read(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.START_OBJECT) {
      Map<String, Object> m = new LinkedHashMap<>();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        p.nextToken();
        m.put(name, read(p));
      }
      return m;
    }
    if (t == JsonToken.START_ARRAY) {
      List<Object> l = new ArrayList<>();
      while (p.nextToken() != JsonToken.END_ARRAY) {
        l.add(read(p));
      }
      return l;
    }
    return switch (t) {
      case VALUE_NUMBER_INT -> p.getLongValue();
      case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
      case VALUE_TRUE -> true;
      case VALUE_FALSE -> false;
      case VALUE_NULL -> null;
      default -> p.getText();
    };
  }
}
