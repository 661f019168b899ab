package dev.edgeperimeter.bench.ingest;

import dev.edgeperimeter.bench.BenchContext;
import dev.edgeperimeter.bench.JmhRunner;
import dev.edgeperimeter.bench.JmhRunner.Score;
import dev.edgeperimeter.bench.report.Row;
import dev.edgeperimeter.ingest.CloudWatchLogStore;
import dev.edgeperimeter.ingest.IngestPipeline;
import dev.edgeperimeter.ingest.LogBatch;
import dev.edgeperimeter.ingest.LogStore;
import dev.edgeperimeter.ingest.PreparedBody;
import dev.edgeperimeter.ingest.RetryPolicy;
import dev.edgeperimeter.ingest.TimeBudget;
import dev.edgeperimeter.testsupport.MotoServer;
import dev.edgeperimeter.testsupport.SamTemplate;
import dev.edgeperimeter.testsupport.TemplateResources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;

/**
 * Section 4: the ingest CPU path (JMH, one thread) beside a bare Jackson pass, its peak heap for a
 * 5 MiB body (by {@code -Xmx} probing, see {@link #peakHeap}), and the end-to-end rate through the
 * real pipeline and {@code PutLogEvents} into moto's CloudWatch Logs.
 */
public final class IngestSection {
  static final long SEED = 20_250_101L;
  static final int BODY_BYTES = 5 * 1024 * 1024;

  private final BenchContext ctx;

  public IngestSection(BenchContext ctx) {
    this.ctx = ctx;
  }

  public List<Row> run() throws Exception {
    long base = System.currentTimeMillis() - 60_000;
    Ds2Generator.Body body = Ds2Generator.ndjson(SEED, BODY_BYTES, base);
    double mib = body.bytes().length / 1048576.0;
    BenchContext.log(String.format(Locale.ROOT, "ingest: %d DataStream 2 records, %.2f MiB (seed %d)", body.records(),
        mib, SEED));
    String stale = staleIngestClasses();
    if (stale != null) {
      BenchContext.log("ingest: WARNING " + stale);
    }

    Map<String, Score> s = ctx.jmh().run(IngestBenchmarks.class, List.of(), List.of(
        "-Dbench.ingest.seed=" + SEED, "-Dbench.ingest.bytes=" + BODY_BYTES, "-Dbench.ingest.base=" + base,
        "-Dbench.ingest.prewarm.ms=" + ctx.pick(5000, 2000),
        "-Xms1g", "-Xmx1g"));
    double pipelineRate = body.records() / (JmhRunner.micros(s.get("pipeline")) / 1e6);
    double bareRate = body.records() / (JmhRunner.micros(s.get("bareJackson")) / 1e6);
    double ratio = Row.ratio(pipelineRate, bareRate);
    List<Row> rows = new ArrayList<>();
    rows.add(new Row("ingest DS2 parse → normalize → batch, 1 thread", pipelineRate, "records/s", bareRate,
        "bare Jackson streaming pass", ratio, ">= 250,000 records/s and >= 0.5x floor",
        Row.verdict(pipelineRate >= 250_000 && ratio >= 0.5),
        String.format(Locale.ROOT, "%d records, %.2f MiB body; ratio = pipeline rate / bare rate%s", body.records(), mib,
            stale == null ? "" : "; MEASURED STALE CLASSES: " + stale)));

    rows.addAll(peakHeap(body, base));
    rows.add(endToEnd());
    return rows;
  }

  /**
   * ./bench builds only what is missing, so {@code benchmarks/target/lib} can hold a
   * log-ingest-fn jar older than its sources, and the run then silently measures old code. Returns
   * what is stale, or null.
   */
  String staleIngestClasses() {
    try {
      Path jar = Path.of(BenchContext.codeSource(IngestPipeline.class));
      Path sources = ctx.projectDir().resolve("log-ingest-fn/src/main/java");
      if (!Files.isDirectory(sources)) {
        return null;
      }
      long built = Files.getLastModifiedTime(jar).toMillis();
      try (var files = Files.walk(sources)) {
        long newest = files.filter(Files::isRegularFile).mapToLong(f -> {
          try {
            return Files.getLastModifiedTime(f).toMillis();
          } catch (java.io.IOException e) {
            return 0;
          }
        }).max().orElse(0);
        return newest > built ? jar.getFileName() + " is older than log-ingest-fn/src/main (run ./bench --build)" : null;
      }
    } catch (Exception e) {
      return null;
    }
  }

  // ---------------------------------------------------------------- peak heap

  /**
   * Peak heap by {@code -Xmx} probing: the smallest {@code -Xmx} (1 MiB steps, binary search;
   * SerialGC with a 1 MiB young generation so nearly all of the heap can hold live data) at which a
   * fresh JVM completes the work without {@link OutOfMemoryError}, minus the same for a JVM doing
   * nothing. That difference is the most heap the work needed at any moment, body included. The
   * bare Jackson pass is probed the same way as the floor.
   */
  List<Row> peakHeap(Ds2Generator.Body body, long base) throws Exception {
    Path file = ctx.workDir().resolve("ds2-body.ndjson");
    Files.write(file, body.bytes());
    int step = ctx.pick(1, 8); // smoke: 8 MiB resolution, a third of the probe JVMs
    int idle = minimumHeapMiB("idle", file, base, step);
    int pipeline = minimumHeapMiB("pipeline", file, base, step);
    int bare = minimumHeapMiB("bare", file, base, step);
    double bodyMiB = body.bytes().length / 1048576.0;
    double peak = pipeline - idle;
    double floor = bare - idle;
    double times = peak / bodyMiB;
    return List.of(new Row("ingest peak heap, 5 MiB DS2 body (body included)", peak, "MiB", floor,
        "bare Jackson pass", times, "< 4x body (ratio = peak / body)", Row.verdict(times < 4),
        String.format(Locale.ROOT, "smallest -Xmx that completes minus an idle JVM's (%d MiB), SerialGC, -Xmn1m, "
            + "%d MiB steps; body %.2f MiB", idle, step, bodyMiB)));
  }

  private int minimumHeapMiB(String mode, Path body, long base, int step) throws Exception {
    int lo = 2;
    int hi = 256;
    if (!fits(mode, hi, body, base)) {
      throw new IllegalStateException(mode + " does not complete even with -Xmx" + hi + "m");
    }
    while (hi - lo >= step) {
      int mid = (lo + hi) >>> 1;
      if (fits(mode, mid, body, base)) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    BenchContext.log("ingest heap: " + mode + " completes with -Xmx" + hi + "m");
    return hi;
  }

  private static boolean fits(String mode, int xmxMiB, Path body, long base) throws Exception {
    List<String> cmd = List.of(BenchContext.javaExecutable(), "-XX:+UseSerialGC", "-Xmn1m", "-Xms" + Math.min(xmxMiB, 2) + "m",
        "-Xmx" + xmxMiB + "m", "-XX:TieredStopAtLevel=1", "-cp", BenchContext.classPath(), HeapProbe.class.getName(),
        mode, body.toAbsolutePath().toString(), Long.toString(base));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    if (!p.waitFor(2, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IllegalStateException("heap probe " + mode + " -Xmx" + xmxMiB + "m timed out");
    }
    int code = p.exitValue();
    if (code == HeapProbe.OUT_OF_MEMORY) {
      return false;
    }
    if (code == 0) {
      return true;
    }
    // the JVM itself could not start with so little heap, or died some other way
    if (xmxMiB <= 16) {
      return false;
    }
    throw new IllegalStateException("heap probe " + mode + " -Xmx" + xmxMiB + "m exited " + code);
  }

  // ---------------------------------------------------------------- end to end

  /** Records/s through {@link IngestPipeline} and {@link CloudWatchLogStore} into moto. */
  Row endToEnd() {
    String name = "ingest end to end: pipeline + PutLogEvents into moto CloudWatch Logs";
    int bodies = ctx.pick(3, 1);
    int bytes = ctx.pick(2 * 1024 * 1024, 128 * 1024);
    BenchContext.log("ingest end to end: starting moto_server ...");
    try (MotoServer moto = MotoServer.start()) {
      String group = "/edge-perimeter/bench/edge-" + System.currentTimeMillis();
      new TemplateResources(SamTemplate.load(ctx.projectDir().resolve("template.yaml")), moto.clients())
          .createLogGroup("EdgeLogGroup", group);
      var clients = moto.clients();
      try (CloudWatchLogsClient logs = clients.configure(CloudWatchLogsClient.builder())
          .httpClient(clients.httpClient()).build()) {
        CloudWatchLogStore store = new CloudWatchLogStore(logs, group, RetryPolicy.standard());
        long now = System.currentTimeMillis();
        ingest(store, Ds2Generator.ndjson(SEED + 99, 32 * 1024, now - 30_000)); // warm-up: SDK, stream creation
        long records = 0;
        long rejected = 0;
        long nanos = 0;
        for (int i = 0; i < bodies; i++) {
          Ds2Generator.Body body = Ds2Generator.ndjson(SEED + i, bytes, now - 30_000);
          long t0 = System.nanoTime();
          rejected += ingest(store, body);
          nanos += System.nanoTime() - t0;
          records += body.records();
        }
        double rate = records / (nanos / 1e9);
        return new Row(name, rate, "records/s", Double.NaN, "", Double.NaN, "", Row.Verdict.INFO,
            String.format(Locale.ROOT, "%d bodies x %d KiB, %d records, %d refused by the store; moto_server on loopback",
                bodies, bytes / 1024, records, rejected));
      }
    }
  }

  private static long ingest(LogStore store, Ds2Generator.Body body) {
    try {
      PreparedBody prepared = new IngestPipeline(Clock.systemUTC()).prepare(body.bytes(), "application/x-ndjson");
      long refused = prepared.rejections().size();
      for (LogBatch batch : prepared.batches()) {
        refused += store.put(batch, prepared.events(), TimeBudget.unlimited()).size();
      }
      return refused;
    } catch (Exception e) {
      throw new IllegalStateException("end-to-end ingest failed: " + e.getMessage(), e);
    }
  }
}
