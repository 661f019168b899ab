package dev.edgeperimeter.bench.ingest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.edgeperimeter.ingest.IngestException;
import dev.edgeperimeter.ingest.IngestPipeline;
import dev.edgeperimeter.ingest.PreparedBody;
import dev.edgeperimeter.shared.json.JsonLimits;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Ingest CPU path on one thread: a DataStream 2 body through parse → normalize → batch, beside a
 * bare Jackson streaming pass over the same bytes (the floor: tokenizing alone). The body comes
 * from {@link Ds2Generator} with the seed, size and base time in system properties
 * {@code bench.ingest.seed}, {@code bench.ingest.bytes}, {@code bench.ingest.base} (epoch ms), so the
 * runner knows its record count.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class IngestBenchmarks {

  /** The body, generated once per fork. */
  @State(Scope.Thread)
  public static class Body {
    byte[] bytes;
    Clock clock;

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) throws IOException, IngestException {
      long base = Long.getLong("bench.ingest.base");
      bytes = Ds2Generator.ndjson(Long.getLong("bench.ingest.seed"), Integer.getInteger("bench.ingest.bytes"), base)
          .bytes();
      clock = Clock.fixed(Instant.ofEpochMilli(base + 60_000), ZoneOffset.UTC);
      PreparedBody check = new IngestPipeline(clock).parseNormalizeBatch(bytes);
      if (!check.rejections().isEmpty()) {
        throw new IllegalStateException("generated body has rejected records: " + check.rejections().get(0));
      }
      prewarm(params.getBenchmark());
    }

    /**
     * Runs the measured method for {@code bench.ingest.prewarm.ms} before JMH's warm-up. With the
     * runner's short warm-up (3 x 1 s) and ~15 ms per operation, the pipeline's large normalizer was
     * still being compiled in the measured iterations (scores falling from one iteration to the next
     * on a busy 2-core machine); both benchmarks get the same pre-warm time.
     */
    private void prewarm(String benchmark) throws IOException, IngestException {
      long until = System.nanoTime() + Long.getLong("bench.ingest.prewarm.ms", 0) * 1_000_000L;
      long sink = 0;
      while (System.nanoTime() < until) {
        sink += benchmark.endsWith(".pipeline")
            ? new IngestPipeline(clock).parseNormalizeBatch(bytes).events().count()
            : bareJackson(bytes);
      }
      if (sink == Long.MIN_VALUE) {
        System.out.println(sink);
      }
    }
  }

  /** Parse → normalize → batch (no network). */
  @Benchmark
  public PreparedBody pipeline(Body body) throws IngestException {
    return new IngestPipeline(body.clock).parseNormalizeBatch(body.bytes);
  }

  /** Floor: Jackson's streaming parser over every line, touching each token's text. */
  @Benchmark
  public long bareJackson(Body body) throws IOException {
    return bareJackson(body.bytes);
  }

  /** Tokenizes each line with the same factory the pipeline uses; returns a sum so nothing is elided. */
  public static long bareJackson(byte[] bytes) throws IOException {
    long sink = 0;
    int pos = 0;
    int n = bytes.length;
    while (pos < n) {
      int nl = pos;
      while (nl < n && bytes[nl] != '\n') {
        nl++;
      }
      if (nl > pos) {
        try (JsonParser p = JsonLimits.FACTORY.createParser(bytes, pos, nl - pos)) {
          JsonToken t;
          while ((t = p.nextToken()) != null) {
            if (t == JsonToken.VALUE_STRING || t == JsonToken.FIELD_NAME) {
              sink += p.getTextLength();
            }
          }
        }
      }
      pos = nl + 1;
    }
    return sink;
  }
}
