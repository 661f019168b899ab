package dev.edgeperimeter.bench;

import dev.edgeperimeter.bench.artifacts.ArtifactSection;
import dev.edgeperimeter.bench.auth.AuthorizerSection;
import dev.edgeperimeter.bench.coldstart.ColdStartSection;
import dev.edgeperimeter.bench.ingest.IngestSection;
import dev.edgeperimeter.bench.report.Machine;
import dev.edgeperimeter.bench.report.ResultTable;
import dev.edgeperimeter.bench.report.Row;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The benchmark run behind {@code ./bench}: every section on this machine in one run, then ONE
 * table on stdout and the same table as {@code target/bench/bench.json}, {@code bench.md} and
 * {@code README-performance.md}. Progress goes to stderr.
 *
 * <pre>
 * java -cp benchmarks/target/classes:benchmarks/target/lib/* dev.edgeperimeter.bench.BenchMain
 *      [--smoke] [--project DIR] [--out DIR] [--only auth,ingest,coldstart,artifacts] [--strict]
 * </pre>
 *
 * Exit code: 0 when every section ran (goals missed are reported in the table, not fatal unless
 * {@code --strict}); 1 when a section broke or, in a smoke run, when a row is missing or has no
 * value; 2 on bad arguments. A smoke run judges no goal: its tiny iteration counts make ratios
 * noise, so it checks that every row is produced and leaves the verdicts to the full run.
 */
public final class BenchMain {
  static final List<String> SECTIONS = List.of("auth", "ingest", "coldstart", "artifacts");
  /** The rows each section produces (a smoke run fails when one is missing). */
  static final java.util.Map<String, Integer> ROWS = java.util.Map.of(
      "authorizer + peer", 9, "cold start", 4, "ingest", 3, "artifacts", 6);

  private BenchMain() {
  }

  /** A smoke run's row: the goal stays in the table, the verdict is left to a full run. */
  static Row unjudged(Row r) {
    if (r.verdict() != Row.Verdict.PASS && r.verdict() != Row.Verdict.FAIL) {
      return r;
    }
    return new Row(r.name(), r.value(), r.unit(), r.floor(), r.floorLabel(), r.ratio(), r.goal(), Row.Verdict.INFO,
        r.note());
  }

  /** A section: rows, or an exception that becomes an n/a row. */
  @FunctionalInterface
  interface Section {
    List<Row> run() throws Exception;
  }

  public static void main(String[] args) throws Exception {
    boolean smoke = false;
    boolean strict = false;
    Path project = Path.of("").toAbsolutePath();
    Path out = null;
    Set<String> only = new LinkedHashSet<>(SECTIONS);
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--smoke" -> smoke = true;
        case "--strict" -> strict = true;
        case "--project" -> project = Path.of(args[++i]).toAbsolutePath();
        case "--out" -> out = Path.of(args[++i]).toAbsolutePath();
        case "--only" -> {
          only = new LinkedHashSet<>(List.of(args[++i].split(",")));
          if (!SECTIONS.containsAll(only)) {
            System.err.println("--only takes a comma list of " + SECTIONS + ", got " + only);
            System.exit(2);
          }
        }
        default -> {
          System.err.println("usage: bench [--smoke] [--strict] [--only " + String.join(",", SECTIONS)
              + "] [--project DIR] [--out DIR]");
          System.exit(2);
        }
      }
    }
    if (out == null) {
      out = project.resolve("target/bench");
    }
    BenchContext ctx = BenchContext.create(project, out, smoke);
    String command = "./bench" + (smoke ? " --smoke" : "");
    ResultTable table = new ResultTable(Machine.detect(), Instant.now().truncatedTo(ChronoUnit.SECONDS), command);
    List<String> broken = new ArrayList<>();
    long start = System.nanoTime();

    if (only.contains("auth")) {
      section(table, broken, smoke, "authorizer + peer", new AuthorizerSection(ctx)::run);
    }
    if (only.contains("coldstart")) {
      section(table, broken, smoke, "cold start", new ColdStartSection(ctx)::run);
    }
    if (only.contains("ingest")) {
      section(table, broken, smoke, "ingest", new IngestSection(ctx)::run);
    }
    if (only.contains("artifacts")) {
      section(table, broken, smoke, "artifacts", new ArtifactSection(ctx)::run);
    }

    Files.createDirectories(out);
    Files.writeString(out.resolve("bench.json"), table.toJson(), StandardCharsets.UTF_8);
    Files.writeString(out.resolve("bench.md"), table.machineLine() + "\n\n" + table.toMarkdown(), StandardCharsets.UTF_8);
    Files.writeString(out.resolve("README-performance.md"), table.toReadmeSection(), StandardCharsets.UTF_8);
    BenchContext.log(String.format("done in %.0f s; wrote %s/{bench.json,bench.md,README-performance.md}",
        (System.nanoTime() - start) / 1e9, out));

    System.out.println();
    System.out.print(table.toText());
    System.out.flush();
    if (!broken.isEmpty()) {
      System.err.println("bench: FAILED: " + String.join(", ", broken));
      System.exit(1);
    }
    if (strict && table.failures() > 0) {
      System.err.println("bench: " + table.failures() + " goal(s) missed (--strict)");
      System.exit(1);
    }
  }

  private static void section(ResultTable table, List<String> broken, boolean smoke, String name, Section section) {
    long t0 = System.nanoTime();
    try {
      List<Row> rows = section.run();
      if (smoke) {
        List<String> missing = new ArrayList<>();
        if (rows.size() < ROWS.getOrDefault(name, 0)) {
          missing.add(ROWS.get(name) - rows.size() + " row(s) not produced");
        }
        rows.stream().filter(r -> r.verdict() == Row.Verdict.NOT_MEASURED || Double.isNaN(r.value()))
            .forEach(r -> missing.add(r.name() + ": " + r.note()));
        if (!missing.isEmpty()) {
          broken.add(name + " (" + String.join("; ", missing) + ")");
        }
        rows = rows.stream().map(BenchMain::unjudged).toList();
      }
      table.addAll(rows);
    } catch (Exception | LinkageError e) {
      broken.add(name);
      System.err.println("[bench] " + name + " failed:");
      e.printStackTrace();
      table.add(Row.notMeasured(name, "", "", "section failed: " + e.getClass().getSimpleName() + ": "
          + String.valueOf(e.getMessage()).lines().findFirst().orElse("")));
    }
    BenchContext.log(String.format("%s: %.0f s", name, (System.nanoTime() - t0) / 1e9));
  }
}
