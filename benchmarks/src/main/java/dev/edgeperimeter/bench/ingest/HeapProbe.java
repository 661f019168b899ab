package dev.edgeperimeter.bench.ingest;

import dev.edgeperimeter.ingest.IngestPipeline;
import dev.edgeperimeter.ingest.PreparedBody;
import java.lang.ref.Reference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * Child JVM of the heap measurement: does one thing under the {@code -Xmx} the parent chose and
 * says whether it fit. {@code idle}: nothing (the JVM's own heap floor); {@code bare}: read the
 * body, one bare Jackson pass; {@code pipeline}: read the body, parse → normalize → batch, holding
 * the result (as the handler does until it has stored the batches).
 *
 * <p>Arguments: {@code <idle|bare|pipeline> <body-file> <base-epoch-ms>}. Exit 0 when it completed,
 * 3 on {@link OutOfMemoryError}.
 */
public final class HeapProbe {
  static final int OUT_OF_MEMORY = 3;

  private HeapProbe() {
  }

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    Clock clock = Clock.fixed(Instant.ofEpochMilli(Long.parseLong(args[2]) + 60_000), ZoneOffset.UTC);
    try {
      switch (mode) {
        case "idle" -> {
          // the JVM alone
        }
        case "bare" -> {
          byte[] body = Files.readAllBytes(Path.of(args[1]));
          if (IngestBenchmarks.bareJackson(body) == 0) {
            throw new IllegalStateException("empty body");
          }
          Reference.reachabilityFence(body);
        }
        case "pipeline" -> {
          byte[] body = Files.readAllBytes(Path.of(args[1]));
          PreparedBody prepared = new IngestPipeline(clock).parseNormalizeBatch(body);
          if (prepared.events().count() == 0) {
            throw new IllegalStateException("no events");
          }
          Reference.reachabilityFence(body);
          Reference.reachabilityFence(prepared);
        }
        default -> throw new IllegalArgumentException("mode must be idle, bare or pipeline: " + mode);
      }
    } catch (OutOfMemoryError e) {
      System.exit(OUT_OF_MEMORY);
    }
    System.exit(0);
  }
}
