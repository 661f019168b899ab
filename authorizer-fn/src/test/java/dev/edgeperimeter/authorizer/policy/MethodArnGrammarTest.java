package dev.edgeperimeter.authorizer.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link MethodArn#parse} checks the ARN field by field, without a regex on the hot path; this
 * holds the grammar as one regex (the reference) and requires the same verdict and the same parts
 * on ARNs built from valid and broken pieces.
 */
@Label("Method ARN grammar: the field-by-field parser agrees with the reference regex")
class MethodArnGrammarTest {
  private static final Pattern REFERENCE = Pattern.compile(
      "(arn:aws(?:-[a-z]+)*:execute-api:[a-z]{2,}(?:-[a-z]+)+-[0-9]{1,2}:[0-9]{12}:[A-Za-z0-9]{1,64}"
          + "/(?:\\$default|[A-Za-z0-9_-]{1,128}))/([A-Z]{1,16}|\\$default)(/.*)?", Pattern.DOTALL);

  private static final List<String> PARTITIONS = List.of("aws", "aws-cn", "aws-us-gov", "aws-", "aw", "aws*", "Aws",
      "", "aws-iso-b", "aws--x");
  private static final List<String> REGIONS = List.of("us-east-1", "eu-central-1", "ap-southeast-12", "us-gov-west-1",
      "us-east-123", "useast1", "us-1", "u-east-1", "us-east-", "us--east-1", "us-east-a", "*", "us-east-?", "US-east-1",
      "us-east1", "-us-east-1", "us-east-1x");
  private static final List<String> ACCOUNTS = List.of("123456789012", "12345678901", "1234567890123", "12345678901?",
      "*", "", "12345678901a");
  private static final List<String> APIS = List.of("abc123", "A", "x".repeat(64), "x".repeat(65), "", "ab*c", "ab-c",
      "ab?");
  private static final List<String> STAGES = List.of("prod", "$default", "my_stage-2", "", "*", "pr?d", "$defaults",
      "s".repeat(128), "s".repeat(129), "$def", "Prod_2", "PROD");
  private static final List<String> METHODS = List.of("GET", "POST", "$default", "", "get", "*", "G?T",
      "ABCDEFGHIJKLMNOPQ", "ABCDEFGHIJKLMNOP");
  private static final List<String> PATHS = List.of("", "/", "/orders/42", "/a/*/b", "/x\ny", "/:colon", "//", "/é",
      "/" + "p".repeat(1900), "/" + "p".repeat(2100)); // the whole ARN is capped at 2048 characters
  private static final int MAX_LENGTH = 2048;

  @Provide
  Arbitrary<String> arns() {
    Arbitrary<String> built = Combinators.combine(Arbitraries.of(PARTITIONS), Arbitraries.of(REGIONS),
        Arbitraries.of(ACCOUNTS), Arbitraries.of(APIS), Arbitraries.of(STAGES), Arbitraries.of(METHODS),
        Arbitraries.of(PATHS)).as((p, r, a, api, st, m, path) ->
        "arn:" + p + ":execute-api:" + r + ":" + a + ":" + api + "/" + st + "/" + m + path);
    Arbitrary<String> truncated = built.flatMap(s -> Arbitraries.integers().between(0, s.length())
        .map(n -> s.substring(0, n)));
    Arbitrary<String> noise = Arbitraries.strings().withChars("arn:aws-execute/$default0123456789GETx*?_PROD")
        .ofMaxLength(80);
    return Arbitraries.oneOf(built, built, truncated, noise);
  }

  @Property(tries = 3000)
  @Label("same verdict and parts as the reference regex")
  void agreesWithTheReference(@ForAll("arns") String arn) {
    Matcher m = REFERENCE.matcher(arn);
    MethodArn parsed = MethodArn.parse(arn);
    if (arn.length() > MAX_LENGTH || !m.matches()) {
      assertThat(parsed).as(arn).isNull();
      return;
    }
    assertThat(parsed).as(arn).isNotNull();
    assertThat(parsed.base()).isEqualTo(m.group(1));
    assertThat(parsed.method()).isEqualTo(m.group(2));
    assertThat(parsed.path()).isEqualTo(m.group(3) == null ? "/" : m.group(3));
  }
}
