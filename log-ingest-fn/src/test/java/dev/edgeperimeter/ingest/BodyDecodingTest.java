package dev.edgeperimeter.ingest;

import dev.edgeperimeter.ingest.body.BodyDecoder;
import static dev.edgeperimeter.ingest.Samples.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Contract §3: optional gzip, the 5 MiB decompressed cap, gzip bombs. */
class BodyDecodingTest {
  private static final int CAP = 64 * 1024;

  private static int status(byte[] raw, String encoding, int cap) {
    try {
      BodyDecoder.decode(raw, encoding, cap);
      return 200;
    } catch (IngestException e) {
      return e.status();
    }
  }

  @Test
  @DisplayName("plain body passes through; gzip is inflated (by header or by magic bytes)")
  void plainAndGzip() throws Exception {
    byte[] body = utf8("{\"reqTimeSec\":\"1\"}\n");
    assertThat(BodyDecoder.decode(body, null, CAP)).isEqualTo(body);
    assertThat(BodyDecoder.decode(Samples.gzip(body), "gzip", CAP)).isEqualTo(body);
    assertThat(BodyDecoder.decode(Samples.gzip(body), null, CAP)).isEqualTo(body);
    assertThat(BodyDecoder.decode(Samples.gzip(body), " GZIP ", CAP)).isEqualTo(body);
  }

  @Test
  @DisplayName("decompressed exactly at the cap passes; one byte more is 413")
  void capEdge() {
    byte[] atCap = new byte[CAP];
    Arrays.fill(atCap, (byte) ' ');
    assertThat(status(Samples.gzip(atCap), "gzip", CAP)).isEqualTo(200);
    assertThat(status(Samples.gzip(Arrays.copyOf(atCap, CAP + 1)), "gzip", CAP)).isEqualTo(413);
    assertThat(status(atCap, null, CAP)).isEqualTo(200);
    assertThat(status(Arrays.copyOf(atCap, CAP + 1), null, CAP)).isEqualTo(413);
  }

  @Test
  @DisplayName("a gzip bomb (256 MiB of zeros in 250 KiB) is refused with 413, allocating about the cap, not the bomb")
  void gzipBomb() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      byte[] zeros = new byte[1024 * 1024];
      for (int i = 0; i < 256; i++) {
        gz.write(zeros);
      }
    }
    byte[] bomb = out.toByteArray();
    int cap = IngestLimits.DEFAULT_MAX_BODY_BYTES;
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    assertThat(status(bomb, "gzip", cap)).isEqualTo(413); // warm-up: class loading allocates too
    long before = threads.getCurrentThreadAllocatedBytes();
    assertThat(status(bomb, "gzip", cap)).isEqualTo(413);
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
    // one output buffer of cap + 1 bytes plus the inflater's buffers; never the 256 MiB
    assertThat(allocated).isLessThan(cap + 512L * 1024);
  }

  @Test
  @DisplayName("an honest body is inflated in one allocation of its exact size (the gzip trailer's hint)")
  void exactAllocation() throws Exception {
    byte[] body = Samples.ndjson(500, Samples.NOW_SEC);
    byte[] gz = Samples.gzip(body);
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    BodyDecoder.decode(gz, "gzip", IngestLimits.DEFAULT_MAX_BODY_BYTES);
    long before = threads.getCurrentThreadAllocatedBytes();
    assertThat(BodyDecoder.decode(gz, "gzip", IngestLimits.DEFAULT_MAX_BODY_BYTES)).isEqualTo(body);
    assertThat(threads.getCurrentThreadAllocatedBytes() - before).isLessThan(body.length + 256L * 1024);
  }

  @Test
  @DisplayName("a lying gzip trailer only changes the first allocation, not the result")
  void lyingTrailer() throws Exception {
    byte[] body = Samples.ndjson(50, Samples.NOW_SEC);
    byte[] gz = Samples.gzip(body);
    gz[gz.length - 4] ^= 0x10; // ISIZE lies: the decoder allocates by the hint, then GZIPInputStream refuses the trailer
    assertThat(status(gz, "gzip", CAP * 16)).isEqualTo(400);
    byte[] two = Samples.gzip(body);
    byte[] multi = new byte[two.length * 2];
    System.arraycopy(two, 0, multi, 0, two.length);
    System.arraycopy(two, 0, multi, two.length, two.length);
    byte[] doubled = new byte[body.length * 2];
    System.arraycopy(body, 0, doubled, 0, body.length);
    System.arraycopy(body, 0, doubled, body.length, body.length);
    assertThat(BodyDecoder.decode(multi, "gzip", CAP * 16)).isEqualTo(doubled);
  }

  @Test
  @DisplayName("corrupt or truncated gzip, gzip header on plain text, unknown encodings: 400")
  void unreadable() {
    byte[] gz = Samples.gzip(utf8("{\"a\":1}"));
    assertThat(status(Arrays.copyOf(gz, gz.length - 6), "gzip", CAP)).isEqualTo(400);
    byte[] corrupt = gz.clone();
    corrupt[12] ^= 0x55;
    assertThat(status(corrupt, "gzip", CAP)).isEqualTo(400);
    assertThat(status(utf8("{\"a\":1}"), "gzip", CAP)).isEqualTo(400);
    assertThat(status(utf8("{\"a\":1}"), "br", CAP)).isEqualTo(400);
    assertThat(status(utf8("{\"a\":1}"), "identity", CAP)).isEqualTo(200);
  }
}
