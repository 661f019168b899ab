package dev.edgeperimeter.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What the deployable authorizer carries (issue 11): the vetted libraries on its security path, and
 * none of the hand-written replacements they retired. Reads the zip the reactor build packaged.
 */
class AuthorizerArtifactTest {
  private static Path zip() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isDirectory(dir.resolve("authorizer-fn"))) {
      dir = dir.getParent();
    }
    Path zip = dir == null ? null : dir.resolve("authorizer-fn/target/authorizer-fn.zip");
    Assumptions.assumeTrue(zip != null && Files.isRegularFile(zip), "authorizer-fn.zip is built by the reactor first");
    return zip;
  }

  /** Every entry of the zip, and of each jar in it as {@code jar!/entry}. */
  private static List<String> entries(Path zip) throws IOException {
    List<String> names = new ArrayList<>();
    try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
      for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        names.add(e.getName());
        if (e.getName().endsWith(".jar")) {
          String jar = e.getName().substring(e.getName().lastIndexOf('/') + 1);
          ZipInputStream nested = new ZipInputStream(in);
          for (ZipEntry n = nested.getNextEntry(); n != null; n = nested.getNextEntry()) {
            names.add(jar + "!/" + n.getName());
          }
        }
      }
    }
    return names;
  }

  @Test
  @DisplayName("the authorizer zip carries Nimbus, the SDK's DynamoDB and KMS clients and Powertools")
  void carriesTheVettedLibraries() throws IOException {
    List<String> jars = ArtifactSizes.measure(zip().getParent().getParent().getParent(), "authorizer-fn").jarNames();
    assertThat(jars).anyMatch(j -> j.startsWith("nimbus-jose-jwt-"))
        .anyMatch(j -> j.startsWith("dynamodb-2."))
        .anyMatch(j -> j.startsWith("kms-2."))
        .anyMatch(j -> j.startsWith("url-connection-client-"))
        .anyMatch(j -> j.startsWith("powertools-logging-log4j-"))
        .anyMatch(j -> j.startsWith("powertools-metrics-"))
        .anyMatch(j -> j.startsWith("AmazonCorrettoCryptoProvider-"))
        .noneMatch(j -> j.startsWith("apache-client-") || j.startsWith("netty-nio-client-"));
  }

  @Test
  @DisplayName("and none of the hand-written pieces they replaced")
  void carriesNoneOfTheRemovedPieces() throws IOException {
    List<String> names = entries(zip());
    assertThat(names).noneMatch(n -> n.contains("dev/edgeperimeter/shared/aws/direct/")
        || n.endsWith("dev/edgeperimeter/shared/crypto/HmacSha256.class")
        || n.endsWith("dev/edgeperimeter/shared/keys/KeyStoreOverHttp.class")
        || n.endsWith("dev/edgeperimeter/shared/keys/KmsDecryptOverHttp.class")
        || n.contains("dev/edgeperimeter/authorizer/usertoken/JwksDocument")
        || n.contains("dev/edgeperimeter/authorizer/usertoken/JwksCache")
        || n.contains("dev/edgeperimeter/authorizer/usertoken/HttpJwksFetcher")
        || n.contains("dev/edgeperimeter/authorizer/ColdStartPreload")
        || n.contains("dev/edgeperimeter/authorizer/telemetry/Telemetry.class"));
    assertThat(names).anyMatch(n -> n.endsWith("dev/edgeperimeter/authorizer/wiring/Priming.class"));
  }
}
