package dev.edgeperimeter.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgeperimeter.testsupport.SamTemplate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * template.yaml's {@code Rules}, evaluated as CloudFormation does before it creates anything: the
 * parameter combinations the functions would refuse at start-up are refused at deploy time.
 */
class TemplateRulesTest {
  private static final SamTemplate TEMPLATE = SamTemplate.load();

  /** The AssertDescriptions of the rules that fail for these parameters (defaults filled in). */
  private static List<String> refusals(Map<String, String> overrides) {
    Map<String, String> p = new LinkedHashMap<>(TEMPLATE.parameterDefaults());
    p.putAll(overrides);
    List<String> failed = new ArrayList<>();
    SamTemplate.map(TEMPLATE.root().get("Rules")).forEach((name, r) -> {
      Map<String, Object> rule = SamTemplate.map(r);
      if (rule.containsKey("RuleCondition") && !truth(rule.get("RuleCondition"), p)) {
        return;
      }
      for (Object a : (List<?>) rule.get("Assertions")) {
        Map<String, Object> assertion = SamTemplate.map(a);
        if (!truth(assertion.get("Assert"), p)) {
          failed.add(name + ": " + assertion.get("AssertDescription"));
        }
      }
    });
    return failed;
  }

  private static boolean truth(Object condition, Map<String, String> p) {
    Map<String, Object> c = SamTemplate.map(condition);
    if (c.containsKey("Fn::Not")) {
      return !truth(((List<?>) c.get("Fn::Not")).get(0), p);
    }
    if (c.containsKey("Fn::Equals")) {
      List<?> args = (List<?>) c.get("Fn::Equals");
      return value(args.get(0), p).equals(value(args.get(1), p));
    }
    if (c.containsKey("Fn::EachMemberEquals")) {
      List<?> args = (List<?>) c.get("Fn::EachMemberEquals");
      String expected = value(args.get(1), p);
      return List.of(value(args.get(0), p).split(",", -1)).stream().allMatch(m -> m.trim().equals(expected));
    }
    throw new AssertionError("rule function not evaluated by this test: " + c.keySet());
  }

  private static String value(Object v, Map<String, String> p) {
    if (v instanceof Map<?, ?> m && m.containsKey("Ref")) {
      return p.getOrDefault(String.valueOf(m.get("Ref")), "");
    }
    return String.valueOf(v);
  }

  @Test
  @DisplayName("the defaults (edge+jwt without OidcIssuer) are refused, naming OidcIssuer")
  void defaultsAreRefused() {
    assertThat(refusals(Map.of())).anySatisfy(r -> assertThat(r).contains("set OidcIssuer"))
        .anySatisfy(r -> assertThat(r).contains("OidcAudience"));
  }

  @Test
  @DisplayName("edge+jwt with an issuer and an audience is accepted; so is edge mode without either")
  void completeParametersAreAccepted() {
    assertThat(refusals(Map.of("OidcIssuer", "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Example",
        "OidcAudience", "client-id"))).isEmpty();
    assertThat(refusals(Map.of("AuthMode", "edge"))).isEmpty();
  }

  @Test
  @DisplayName("edge+jwt with an issuer but no audience is refused (the authorizer requires OIDC_AUDIENCE)")
  void audienceIsRequired() {
    assertThat(refusals(Map.of("OidcIssuer", "https://issuer.example"))).singleElement()
        .satisfies(r -> assertThat(r).startsWith("UserTokenNeedsIssuer").contains("OidcAudience"));
  }

  @Test
  @DisplayName("an empty EdgeIssuers list and a canary stage named like the production stage are refused")
  void otherImpossibleCombinations() {
    assertThat(refusals(Map.of("AuthMode", "edge", "EdgeIssuers", ""))).singleElement()
        .satisfies(r -> assertThat(r).startsWith("EdgeIssuersRequired"));
    assertThat(refusals(Map.of("AuthMode", "edge", "DeployCanaryStage", "true", "CanaryStageName", "prod")))
        .singleElement().satisfies(r -> assertThat(r).startsWith("CanaryStageDiffers"));
    assertThat(refusals(Map.of("AuthMode", "edge", "DeployCanaryStage", "false", "CanaryStageName", "prod")))
        .isEmpty();
  }

  @Test
  @DisplayName("KeyLifetimeDays cannot go below a month as CURRENT plus the longest grace period (the rotation check)")
  void keyLifetimeCoversTheLongestGrace() {
    Map<String, Object> lifetime = SamTemplate.map(SamTemplate.map(TEMPLATE.root().get("Parameters")).get("KeyLifetimeDays"));
    Map<String, Object> grace = SamTemplate.map(SamTemplate.map(TEMPLATE.root().get("Parameters")).get("GracePeriodHours"));
    int minLifetimeHours = ((Number) lifetime.get("MinValue")).intValue() * 24;
    int maxGraceHours = ((Number) grace.get("MaxValue")).intValue();
    // key-rotation-fn RotationConfig: KEY_LIFETIME_DAYS must cover 32 days as CURRENT plus GRACE_PERIOD_HOURS
    assertThat(minLifetimeHours).isGreaterThanOrEqualTo(32 * 24 + maxGraceHours);
  }
}
