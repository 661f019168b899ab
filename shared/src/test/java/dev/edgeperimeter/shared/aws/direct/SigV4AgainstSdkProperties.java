package dev.edgeperimeter.shared.aws.direct;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

/**
 * Our Signature Version 4 signs exactly as the AWS SDK's own {@code AwsV4HttpSigner} does: for any
 * body, endpoint, region, service, header set, credentials and time, the two produce the same
 * {@code Authorization} header.
 */
@Label("SigV4: identical to the AWS SDK signer")
class SigV4AgainstSdkProperties {

  @Property(tries = 300)
  @Label("same Authorization, X-Amz-Date and token header as AwsV4HttpSigner")
  void sameSignatureAsTheSdk(@ForAll("endpoints") URI endpoint, @ForAll("regions") String region,
      @ForAll("services") String service, @ForAll @Size(max = 600) byte[] body,
      @ForAll("headerValues") String target, @ForAll("headerValues") String extra,
      @ForAll @LongRange(min = 946_684_800L, max = 4_102_444_800L) long epochSecond,
      @ForAll boolean withToken) {
    Instant now = Instant.ofEpochSecond(epochSecond);
    SigningCredentials creds = SigningCredentials.of("AKIDEXAMPLE" + (epochSecond % 97),
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCY" + (epochSecond % 13), withToken ? "token/" + epochSecond + "==" : null);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/x-amz-json-1.0");
    headers.put("X-Amz-Target", target);
    headers.put("X-Extra-Header", extra);

    Map<String, String> ours = SigV4.sign("POST", endpoint, headers, body, region, service, creds, now);

    SdkHttpRequest.Builder request = SdkHttpRequest.builder().method(SdkHttpMethod.POST).uri(endpoint);
    headers.forEach(request::putHeader);
    AwsCredentialsIdentity identity = withToken
        ? AwsSessionCredentialsIdentity.create(creds.accessKeyId(), creds.secretAccessKey(), creds.sessionToken().get())
        : AwsCredentialsIdentity.create(creds.accessKeyId(), creds.secretAccessKey());
    SignedRequest sdk = AwsV4HttpSigner.create().sign(r -> r
        .identity(identity)
        .request(request.build())
        .payload(ContentStreamProvider.fromByteArray(body))
        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
        .putProperty(AwsV4HttpSigner.REGION_NAME, region)
        .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(now, ZoneOffset.UTC)));

    assertThat(ours.get("Authorization")).isEqualTo(sdk.request().firstMatchingHeader("Authorization").orElseThrow());
    assertThat(ours.get("X-Amz-Date")).isEqualTo(sdk.request().firstMatchingHeader("X-Amz-Date").orElseThrow());
    assertThat(ours.get("X-Amz-Security-Token"))
        .isEqualTo(sdk.request().firstMatchingHeader("X-Amz-Security-Token").orElse(null));
    assertThat(SigV4.hostHeader(endpoint)).isEqualTo(sdk.request().firstMatchingHeader("Host").orElse(SigV4.hostHeader(endpoint)));
  }

  @Example
  @Label("the Host signed is the one the JDK sends: no port for a default port")
  void hostHeader() {
    assertThat(SigV4.hostHeader(URI.create("https://dynamodb.us-east-1.amazonaws.com"))).isEqualTo("dynamodb.us-east-1.amazonaws.com");
    assertThat(SigV4.hostHeader(URI.create("https://kms.eu-west-1.amazonaws.com:443/"))).isEqualTo("kms.eu-west-1.amazonaws.com");
    assertThat(SigV4.hostHeader(URI.create("http://127.0.0.1:5000"))).isEqualTo("127.0.0.1:5000");
  }

  @Provide
  Arbitrary<URI> endpoints() {
    return Arbitraries.of(
        URI.create("https://dynamodb.us-east-1.amazonaws.com"),
        URI.create("https://kms.eu-central-1.amazonaws.com/"),
        URI.create("https://dynamodb.cn-north-1.amazonaws.com.cn"),
        URI.create("http://127.0.0.1:5000"),
        URI.create("http://localhost:4566/"),
        URI.create("https://vpce-123.dynamodb.us-west-2.vpce.amazonaws.com:8443/base/path"),
        URI.create("http://127.0.0.1:5000/a%20b/c~d_e.f-g"));
  }

  @Provide
  Arbitrary<String> regions() {
    return Arbitraries.of("us-east-1", "eu-west-1", "ap-southeast-2", "cn-north-1", "us-gov-west-1", "il-central-1");
  }

  @Provide
  Arbitrary<String> services() {
    return Arbitraries.of("dynamodb", "kms", "logs", "secretsmanager");
  }

  @Provide
  Arbitrary<String> headerValues() {
    return Arbitraries.strings().withChars("abcXYZ09._-/ :=+").ofMinLength(1).ofMaxLength(40)
        .filter(s -> !s.isBlank());
  }
}
