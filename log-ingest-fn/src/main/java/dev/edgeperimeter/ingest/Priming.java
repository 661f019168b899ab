package dev.edgeperimeter.ingest;

import java.nio.charset.StandardCharsets;
import java.time.Clock;

/** Runs the CPU path over built-in sample bodies (SnapStart priming, JIT warm-up). No network. */
final class Priming {
  private Priming() {
  }

  static void run() {
    long nowSec = Clock.systemUTC().millis() / 1000;
    String ds2 = "{\"version\":1,\"streamId\":\"1\",\"reqId\":\"p\",\"reqTimeSec\":\"" + nowSec + ".5\","
        + "\"statusCode\":\"200\",\"cacheStatus\":\"1\",\"turnAroundTimeMSec\":\"3\",\"UA\":\"a%20b+c\","
        + "\"ewUsageInfo\":\"//1/1.0/1/-/1/1/#0,0\"}\n";
    String ew = "{\"v\":1,\"source\":\"edgeworker\",\"batchId\":\"priming\",\"events\":[{\"ts\":" + nowSec * 1000
        + ",\"reqId\":\"p\",\"level\":\"info\",\"msg\":\"m\",\"ew\":{\"id\":1,\"version\":\"1\",\"handler\":\"onClientRequest\"}}]}";
    byte[] ds2Body = ds2.repeat(20).getBytes(StandardCharsets.UTF_8);
    byte[] ewBody = ew.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < 200; i++) {
      try {
        new IngestPipeline(Clock.systemUTC()).prepare(ds2Body, "application/json");
        new IngestPipeline(Clock.systemUTC()).prepare(ewBody, "application/json");
      } catch (IngestException e) {
        throw new IllegalStateException("priming body refused: " + e.getMessage(), e);
      }
    }
  }
}
