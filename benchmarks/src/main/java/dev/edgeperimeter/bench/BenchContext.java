package dev.edgeperimeter.bench;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What every section of a run shares.
 *
 * @param projectDir the repository root (template.yaml, the function modules)
 * @param outDir     where the table goes ({@code target/bench})
 * @param workDir    scratch files of this run ({@code target/bench/work})
 * @param smoke      tiny iteration counts (CI)
 * @param jmh        the JMH runner
 */
public record BenchContext(Path projectDir, Path outDir, Path workDir, boolean smoke, JmhRunner jmh) {

  public static BenchContext create(Path projectDir, Path outDir, boolean smoke) {
    Path work = outDir.resolve("work");
    try {
      Files.createDirectories(work);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + work, e);
    }
    return new BenchContext(projectDir, outDir, work, smoke, new JmhRunner(smoke, work));
  }

  /** {@code full} in a full run, {@code smoke} in a smoke run. */
  public int pick(int full, int smoke) {
    return this.smoke ? smoke : full;
  }

  /** A progress line on stderr (stdout carries only the table). */
  public static void log(String message) {
    System.err.println("[bench] " + message);
  }

  /** The {@code java} of this JVM. */
  public static String javaExecutable() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** This JVM's class path (the runner's: benchmarks classes + their runtime jars). */
  public static String classPath() {
    return System.getProperty("java.class.path");
  }

  /** The class-path entry (directory or jar) a class was loaded from. */
  public static String codeSource(Class<?> type) {
    try {
      return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Joins class-path entries. */
  public static String joinClassPath(String... entries) {
    return String.join(File.pathSeparator, entries);
  }
}
