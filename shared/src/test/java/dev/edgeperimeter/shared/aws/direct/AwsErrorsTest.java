package dev.edgeperimeter.shared.aws.direct;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** How an AWS JSON error answer becomes an {@link AwsCallException}, and which ones are retried. */
@DisplayName("AWS errors: code, message and whether to retry")
class AwsErrorsTest {
  private static AwsCallException error(int status, String body, String header) {
    return AwsJsonClient.error("DynamoDB.Query", status, body.getBytes(StandardCharsets.UTF_8), header);
  }

  @Test
  @DisplayName("DynamoDB's namespaced __type is shortened; a missing table is not retried")
  void namespacedType() {
    AwsCallException e = error(400, "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException\","
        + "\"message\":\"Requested resource not found\"}", null);
    assertThat(e.errorCode()).isEqualTo("ResourceNotFoundException");
    assertThat(e.status()).isEqualTo(400);
    assertThat(e.retryable()).isFalse();
    assertThat(e.getMessage()).isEqualTo("DynamoDB.Query failed: HTTP 400 ResourceNotFoundException: Requested resource not found");
  }

  @Test
  @DisplayName("throttling, 429 and 5xx are retried")
  void retryable() {
    assertThat(error(400, "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException\"}", null)
        .retryable()).isTrue();
    assertThat(error(400, "{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded\"}", null).retryable()).isTrue();
    assertThat(error(429, "", null).retryable()).isTrue();
    assertThat(error(503, "<html>", null).retryable()).isTrue();
    assertThat(error(400, "{\"__type\":\"InvalidCiphertextException\"}", null).retryable()).isFalse();
  }

  @Test
  @DisplayName("a message is cut at its first line: InvalidSignatureException's canonical request (and token) stay out")
  void messageFirstLineOnly() {
    AwsCallException e = error(400, "{\"__type\":\"InvalidSignatureException\",\"message\":\"The request signature "
        + "we calculated does not match.\\n\\nThe Canonical String for this request should have been\\n'POST\\n/\\n"
        + "x-amz-security-token:SECRET-TOKEN'\"}", null);
    assertThat(e.getMessage()).endsWith("does not match.").doesNotContain("SECRET-TOKEN");
  }

  @Test
  @DisplayName("without a JSON body the x-amzn-ErrorType header names the error")
  void headerFallback() {
    assertThat(error(400, "not json", "AccessDeniedException:http://internal.amazon.com/coral/").errorCode())
        .isEqualTo("AccessDeniedException");
  }
}
