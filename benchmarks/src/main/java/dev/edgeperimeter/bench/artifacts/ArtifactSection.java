package dev.edgeperimeter.bench.artifacts;

import dev.edgeperimeter.bench.BenchContext;
import dev.edgeperimeter.bench.report.Row;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Section 5: size of each function's deployable zip and the classes it ships (entries ending
 * {@code .class} at the zip's root tree plus inside every {@code lib/*.jar}).
 */
public final class ArtifactSection {
  /** Module and its size goal (0: reported only; the authorizer's former 10 MB limit is withdrawn). */
  record Function(String module, long maxBytes) {
  }

  static final List<Function> FUNCTIONS = List.of(
      new Function("authorizer-fn", 0),
      new Function("log-ingest-fn", 0),
      new Function("key-rotation-fn", 0));

  private final BenchContext ctx;

  public ArtifactSection(BenchContext ctx) {
    this.ctx = ctx;
  }

  /** What a zip holds. */
  public record Contents(long bytes, int classes, int jars) {
  }

  public List<Row> run() throws IOException {
    List<Row> rows = new ArrayList<>();
    for (Function f : FUNCTIONS) {
      Path zip = ctx.projectDir().resolve(f.module()).resolve("target").resolve(f.module() + ".zip");
      String name = f.module() + ".zip";
      if (!Files.isRegularFile(zip)) {
        rows.add(Row.notMeasured(name + " size", "MB", "", "not built: " + zip));
        continue;
      }
      Contents c = inspect(zip);
      double mb = c.bytes() / 1_000_000.0;
      String note = String.format(java.util.Locale.ROOT, "%,d bytes; %d jars in lib/", c.bytes(), c.jars());
      if (f.maxBytes() > 0) {
        rows.add(new Row(name + " size", mb, "MB", Double.NaN, "", Double.NaN, "< " + f.maxBytes() / 1_000_000 + " MB",
            Row.verdict(c.bytes() < f.maxBytes()), note));
      } else {
        rows.add(Row.info(name + " size", mb, "MB", note));
      }
      rows.add(Row.info(name + " classes", c.classes(), "classes", ""));
    }
    return rows;
  }

  /** Size, class count (root tree + nested jars) and jar count of a function zip. */
  public static Contents inspect(Path zip) throws IOException {
    int classes = 0;
    int jars = 0;
    try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
      for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        if (e.isDirectory()) {
          continue;
        }
        if (e.getName().endsWith(".class")) {
          classes++;
        } else if (e.getName().startsWith("lib/") && e.getName().endsWith(".jar")) {
          jars++;
          classes += countClasses(in);
        }
      }
    }
    return new Contents(Files.size(zip), classes, jars);
  }

  private static int countClasses(InputStream jarBytes) throws IOException {
    int n = 0;
    ZipInputStream jar = new ZipInputStream(jarBytes); // not closed: that would close the outer stream
    for (ZipEntry e = jar.getNextEntry(); e != null; e = jar.getNextEntry()) {
      if (!e.isDirectory() && e.getName().endsWith(".class")) {
        n++;
      }
    }
    return n;
  }
}
