package dev.edgeperimeter.local;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * The deployable layout of a function, as {@code sam build} lays it out: found in
 * {@code .aws-sam/build/<LogicalId>} when SAM built it, else unpacked from the module's
 * {@code target/<module>.zip}. The module of a logical id is read from the Makefile's
 * {@code build-<LogicalId>} target, the one {@code sam build} runs.
 */
public final class FunctionArtifact {
  private static final Pattern TARGET = Pattern.compile(
      "^build-([A-Za-z0-9]+):\\s*\\n\\t\\$\\(call lay_out_function,([a-z0-9-]+)\\)", Pattern.MULTILINE);

  private FunctionArtifact() {
  }

  /** The module ({@code authorizer-fn}, ...) that the Makefile builds for {@code logicalId}. */
  public static String moduleOf(Path projectDir, String logicalId) {
    try {
      Matcher m = TARGET.matcher(Files.readString(projectDir.resolve("Makefile")));
      while (m.find()) {
        if (m.group(1).equals(logicalId)) {
          return m.group(2);
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the Makefile in " + projectDir, e);
    }
    throw new IllegalArgumentException("the Makefile has no build-" + logicalId + " target");
  }

  /** A directory holding the function's classes and {@code lib/}, ready to be a class path. */
  public static Path layout(Path projectDir, String logicalId) {
    Path samBuilt = projectDir.resolve(".aws-sam/build").resolve(logicalId);
    if (Files.isDirectory(samBuilt)) {
      return samBuilt;
    }
    String module = moduleOf(projectDir, logicalId);
    Path zip = projectDir.resolve(module).resolve("target").resolve(module + ".zip");
    if (!Files.isRegularFile(zip)) {
      throw new IllegalStateException(zip + " does not exist: build it first with "
          + "./mvnw -q -DskipTests package -pl " + module + " -am (or make build-" + logicalId + ")");
    }
    try {
      Path target = projectDir.resolve(module).resolve("target").resolve("lambda-layout");
      Path stamp = target.resolve(".unpacked-from");
      String zipStamp = Files.getLastModifiedTime(zip).toMillis() + ":" + Files.size(zip);
      if (Files.isRegularFile(stamp) && Files.readString(stamp).equals(zipStamp)) {
        return target;
      }
      deleteTree(target);
      unzip(zip, target);
      Files.writeString(stamp, zipStamp);
      return target;
    } catch (IOException e) {
      throw new IllegalStateException("cannot unpack " + zip + ": " + e.getMessage(), e);
    }
  }

  static void unzip(Path zip, Path target) throws IOException {
    Files.createDirectories(target);
    try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
      for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        Path out = target.resolve(e.getName()).normalize();
        if (!out.startsWith(target)) {
          throw new IOException("zip entry outside the target: " + e.getName());
        }
        if (e.isDirectory()) {
          Files.createDirectories(out);
        } else {
          Files.createDirectories(out.getParent());
          copy(in, out);
        }
      }
    }
  }

  private static void copy(InputStream in, Path out) throws IOException {
    Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
