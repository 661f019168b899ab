package dev.edgeperimeter.local;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Sizes of the deployable function artifacts and the jars each carries, printed at the end of the
 * build (reported, not limited: with SnapStart a zip's size is paid before the snapshot, not by a
 * request).
 */
public final class ArtifactSizes {
  public static final List<String> FUNCTION_MODULES = List.of("authorizer-fn", "log-ingest-fn", "key-rotation-fn");

  /** One artifact: its zip size, the jars in lib/ and the classes it holds (own and in jars). */
  public record Artifact(String module, Path zip, long bytes, int jars, int classes, List<String> jarNames) {
    public String megabytes() {
      return String.format(Locale.ROOT, "%.2f", bytes / 1_000_000.0);
    }
  }

  private ArtifactSizes() {
  }

  public static Artifact measure(Path projectDir, String module) throws IOException {
    Path zip = projectDir.resolve(module).resolve("target").resolve(module + ".zip");
    List<String> jarNames = new ArrayList<>();
    int classes = 0;
    try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
      for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        if (e.getName().endsWith(".class")) {
          classes++;
        } else if (e.getName().endsWith(".jar")) {
          jarNames.add(e.getName().substring(e.getName().lastIndexOf('/') + 1));
          classes += countClasses(in);
        }
      }
    }
    return new Artifact(module, zip, Files.size(zip), jarNames.size(), classes, List.copyOf(jarNames));
  }

  private static int countClasses(InputStream jar) throws IOException {
    int count = 0;
    ZipInputStream in = new ZipInputStream(jar);
    for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
      if (e.getName().endsWith(".class")) {
        count++;
      }
    }
    return count;
  }

  public static List<Artifact> measureAll(Path projectDir) throws IOException {
    List<Artifact> all = new ArrayList<>();
    for (String module : FUNCTION_MODULES) {
      all.add(measure(projectDir, module));
    }
    return all;
  }

  /** Prints the table. */
  public static void main(String[] args) throws IOException {
    Path projectDir = Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
    List<Artifact> all = measureAll(projectDir);
    System.out.println();
    System.out.println("Deployable artifacts");
    System.out.printf(Locale.ROOT, "  %-16s %12s %8s %6s %8s%n", "function", "bytes", "MB", "jars", "classes");
    for (Artifact a : all) {
      System.out.printf(Locale.ROOT, "  %-16s %,12d %8s %6d %8d%n", a.module(), a.bytes(), a.megabytes(), a.jars(), a.classes());
    }
    System.out.println();
  }
}
