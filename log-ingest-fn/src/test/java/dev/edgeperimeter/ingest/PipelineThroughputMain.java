package dev.edgeperimeter.ingest;

import com.fasterxml.jackson.core.JsonParser;
import dev.edgeperimeter.shared.json.JsonLimits;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Clock;
import java.time.ZoneOffset;

/**
 * Rough single-thread throughput of {@link IngestPipeline#parseNormalizeBatch} against bare
 * Jackson streaming passes over the same bytes (a quick number, not a JMH benchmark). Uses thread
 * CPU time, so a busy machine skews it less than wall time would.
 * Run: java -cp target/classes:target/test-classes:<test classpath> dev.edgeperimeter.ingest.PipelineThroughputMain
 */
public final class PipelineThroughputMain {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  public static void main(String[] args) throws Exception {
    int records = 3_700; // ~4.5 MiB of realistic CDN records (~1.3 KB each)
    byte[] body = Samples.ndjson(records, Samples.NOW_SEC - 60);
    Clock clock = Clock.fixed(Samples.NOW, ZoneOffset.UTC);
    System.out.printf("body: %d records, %d bytes%n", records, body.length);
    int iterations = 80;
    for (int round = 0; round < 5; round++) {
      long sink = 0;
      long t0 = THREADS.getCurrentThreadCpuTime();
      for (int i = 0; i < iterations; i++) {
        sink += new IngestPipeline(clock).parseNormalizeBatch(body).events().count();
      }
      long pipelineNs = THREADS.getCurrentThreadCpuTime() - t0;
      t0 = THREADS.getCurrentThreadCpuTime();
      for (int i = 0; i < iterations; i++) {
        sink += bareJackson(body, false);
      }
      long lazyNs = THREADS.getCurrentThreadCpuTime() - t0;
      t0 = THREADS.getCurrentThreadCpuTime();
      for (int i = 0; i < iterations; i++) {
        sink += bareJackson(body, true);
      }
      long textNs = THREADS.getCurrentThreadCpuTime() - t0;
      t0 = THREADS.getCurrentThreadCpuTime();
      for (int i = 0; i < iterations; i++) {
        sink += bareJacksonSingleParser(body);
      }
      long singleNs = THREADS.getCurrentThreadCpuTime() - t0;
      double single = rate(records, iterations, singleNs);
      double pipeline = rate(records, iterations, pipelineNs);
      double lazy = rate(records, iterations, lazyNs);
      double text = rate(records, iterations, textNs);
      System.out.printf("round %d: pipeline %,.0f rec/s (%.0f MB/s) | bare nextToken %,.0f rec/s (ratio %.2f)"
          + " | bare nextToken+text %,.0f rec/s (ratio %.2f) | one parser, nextToken %,.0f rec/s (ratio %.2f) [%d]%n",
          round, pipeline, body.length * (double) iterations / (pipelineNs / 1e9) / 1e6, lazy, pipeline / lazy, text,
          pipeline / text, single, pipeline / single, sink);
    }
    Runtime rt = Runtime.getRuntime();
    System.gc();
    long before = rt.totalMemory() - rt.freeMemory();
    PreparedBody kept = new IngestPipeline(clock).parseNormalizeBatch(body);
    System.gc();
    long after = rt.totalMemory() - rt.freeMemory();
    System.out.printf("retained by the prepared body: %.1f MiB for a %.1f MiB body (%d events, %d batches, output %.1f MiB)%n",
        (after - before) / 1048576.0, body.length / 1048576.0, kept.events().count(), kept.batches().size(),
        kept.events().totalBytes() / 1048576.0);
    // peak: run once more under a fresh allocation counter (bytes allocated by this thread ~ upper bound of peak)
    com.sun.management.ThreadMXBean alloc = (com.sun.management.ThreadMXBean) THREADS;
    long a0 = alloc.getCurrentThreadAllocatedBytes();
    new IngestPipeline(clock).parseNormalizeBatch(body);
    System.out.printf("allocated while preparing: %.1f MiB (%.2f x body)%n",
        (alloc.getCurrentThreadAllocatedBytes() - a0) / 1048576.0, (alloc.getCurrentThreadAllocatedBytes() - a0) / (double) body.length);
  }

  private static double rate(int records, int iterations, long ns) {
    return records * (double) iterations / (ns / 1e9);
  }

  /** One parser over the whole body (root-level values), tokens only. */
  static long bareJacksonSingleParser(byte[] body) throws Exception {
    long tokens = 0;
    try (JsonParser p = JsonLimits.FACTORY.createParser(body)) {
      while (p.nextToken() != null) {
        tokens++;
      }
    }
    return tokens;
  }

  /** Tokenizes every line with the same factory; {@code text} also materializes every token's text. */
  static long bareJackson(byte[] body, boolean text) throws Exception {
    long tokens = 0;
    int pos = 0;
    while (pos < body.length) {
      int nl = pos;
      while (nl < body.length && body[nl] != '\n') {
        nl++;
      }
      if (nl > pos) {
        try (JsonParser p = JsonLimits.FACTORY.createParser(body, pos, nl - pos)) {
          while (p.nextToken() != null) {
            tokens += text ? p.getTextLength() : 1;
          }
        }
      }
      pos = nl + 1;
    }
    return tokens;
  }
}
