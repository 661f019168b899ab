package dev.edgeperimeter.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs JMH benchmarks programmatically (fork 1) and returns their primary scores by method name.
 * The fork inherits this JVM's class path ({@code benchmarks/target/classes} + {@code target/lib/*}).
 * A smoke run runs every benchmark inside this JVM instead (fork 0): it checks that each benchmark
 * runs and scores, which a new JVM per benchmark would only make slower (about 3 s each).
 */
public final class JmhRunner {

  /**
   * A benchmark's primary result.
   *
   * @param score mean score
   * @param error the 99.9% confidence half-width JMH reports ({@code NaN} with too few iterations)
   * @param unit  JMH's unit, e.g. {@code us/op}
   */
  public record Score(double score, double error, String unit) {
  }

  private final boolean smoke;
  private final Path logDir;

  /**
   * @param logDir where JMH's own output goes ({@code jmh-<Class>.log}): stdout carries only the table
   */
  public JmhRunner(boolean smoke, Path logDir) {
    this.smoke = smoke;
    if (smoke) {
      // a smoke run checks that every benchmark runs, not its numbers: it need not wait for (or fail on)
      // another JMH run holding /tmp/jmh.lock on a shared machine
      System.setProperty("jmh.ignoreLock", "true");
    }
    this.logDir = logDir;
  }

  /**
   * Runs every benchmark method of {@code benchmarkClass} whose name is in {@code methods} (all
   * when empty), each in one fork.
   */
  public Map<String, Score> run(Class<?> benchmarkClass, List<String> methods, List<String> jvmArgs)
      throws RunnerException {
    ChainedOptionsBuilder options = new OptionsBuilder()
        .forks(smoke ? 0 : 1)
        .threads(1)
        .shouldFailOnError(true)
        .verbosity(VerboseMode.NORMAL)
        .jvmArgsAppend(jvmArgs.toArray(String[]::new)) // forks also inherit this JVM's options
        .output(logDir.resolve("jmh-" + benchmarkClass.getSimpleName() + ".log").toString());
    if (methods.isEmpty()) {
      options.include("^" + java.util.regex.Pattern.quote(benchmarkClass.getName()) + "\\.");
    } else {
      for (String m : methods) {
        options.include("^" + java.util.regex.Pattern.quote(benchmarkClass.getName() + "." + m) + "$");
      }
    }
    if (smoke) {
      // smoke: each benchmark runs and produces a score; the number is indicative only
      options.warmupIterations(1).warmupTime(TimeValue.milliseconds(200))
          .measurementIterations(1).measurementTime(TimeValue.milliseconds(300));
    }
    // otherwise each benchmark class (and method) says how long it warms up and measures: the
    // authorizer's whole-pipeline rows need longer for the JIT to finish than a bare primitive
    Collection<RunResult> results = smoke ? inThisJvm(options, jvmArgs) : new Runner(options.build()).run();
    Map<String, Score> scores = new LinkedHashMap<>();
    for (RunResult r : results) {
      String name = r.getParams().getBenchmark();
      String method = name.substring(name.lastIndexOf('.') + 1);
      var primary = r.getPrimaryResult();
      scores.put(method, new Score(primary.getScore(), primary.getScoreError(), primary.getScoreUnit()));
    }
    return scores;
  }

  /**
   * Fork 0: the benchmarks read their {@code -D} options as system properties of this JVM (set for
   * the run, then restored), and what they print (Powertools' log lines and EMF documents) goes to
   * the JMH log instead of the table on stdout. Other JVM options (heap size) do not apply.
   */
  private Collection<RunResult> inThisJvm(ChainedOptionsBuilder options, List<String> jvmArgs)
      throws RunnerException {
    Map<String, String> previous = new LinkedHashMap<>();
    for (String arg : jvmArgs) {
      if (arg.startsWith("-D") && arg.contains("=")) {
        String key = arg.substring(2, arg.indexOf('='));
        previous.putIfAbsent(key, System.getProperty(key));
        System.setProperty(key, arg.substring(arg.indexOf('=') + 1));
      }
    }
    PrintStream out = System.out;
    PrintStream err = System.err;
    Path printed = logDir.resolve("jmh-in-process-output.log");
    try (PrintStream sink = new PrintStream(Files.newOutputStream(printed,
        StandardOpenOption.CREATE, StandardOpenOption.APPEND), true,
        StandardCharsets.UTF_8)) {
      System.setOut(sink);
      System.setErr(sink);
      try {
        return new Runner(options.build()).run();
      } finally {
        System.setOut(out); // before the sink closes
        System.setErr(err);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      previous.forEach((key, value) -> {
        if (value == null) {
          System.clearProperty(key);
        } else {
          System.setProperty(key, value);
        }
      });
    }
  }

  /** Microseconds per operation of a score in {@code us/op}, {@code ms/op}, {@code ns/op} or {@code s/op}. */
  public static double micros(Score s) {
    if (s == null) {
      return Double.NaN;
    }
    String unit = s.unit();
    TimeUnit tu = switch (unit) {
      case "ns/op" -> TimeUnit.NANOSECONDS;
      case "us/op" -> TimeUnit.MICROSECONDS;
      case "ms/op" -> TimeUnit.MILLISECONDS;
      case "s/op" -> TimeUnit.SECONDS;
      default -> throw new IllegalArgumentException("not a time-per-op unit: " + unit);
    };
    return s.score() * tu.toNanos(1) / 1000.0;
  }
}
