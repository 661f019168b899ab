package dev.edgeperimeter.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Nothing a client sends crashes the function: any bytes as a body end in 200, 400 or 413, and on
 * 200 every record read is either accepted or rejected with a reason.
 */
class ArbitraryBodyPropertiesTest {
  private final Clock clock = Clock.fixed(Samples.NOW, ZoneOffset.UTC);

  private IngestResponse ingest(byte[] body, String contentType, String encoding, InMemoryLogStore store) {
    LogIngestService service = new LogIngestService(64 * 1024, clock, store, new InMemoryLedger(), IngestMetrics.NONE);
    return service.ingest(new IngestRequest(body, contentType, encoding), TimeBudget.unlimited());
  }

  private static void assertConsistent(IngestResponse r, InMemoryLogStore store) {
    assertThat(r.status()).isIn(200, 400, 413);
    var json = Json.map(r.body());
    if (r.status() == 200) {
      int accepted = (Integer) json.get("accepted");
      List<?> rejected = (List<?>) json.get("rejected");
      assertThat(store.stored).hasSize(accepted);
      assertThat(rejected).allSatisfy(x -> assertThat(String.valueOf(((java.util.Map<?, ?>) x).keySet())).isEqualTo("[index, reason]"));
    } else {
      assertThat(json).containsKey("error");
      assertThat(store.stored).isEmpty();
    }
  }

  @Property(tries = 400)
  @Label("byte soup (NUL bytes, byte-order marks, UTF-16/32 text included): 200/400/413, never an exception")
  void byteSoup(@ForAll("soup") byte[] body, @ForAll("contentTypes") String contentType,
      @ForAll("encodings") String encoding) {
    InMemoryLogStore store = new InMemoryLogStore();
    assertConsistent(ingest(body, contentType, encoding, store), store);
  }

  @Property(tries = 300)
  @Label("JSON-ish lines: accepted + rejected == records read")
  void jsonishLines(@ForAll("jsonishBody") String body, @ForAll("contentTypes") String contentType) throws Exception {
    InMemoryLogStore store = new InMemoryLogStore();
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    IngestResponse r = ingest(bytes, contentType, null, store);
    assertConsistent(r, store);
    if (r.status() == 200) {
      PreparedBody prepared = new IngestPipeline(clock).prepare(bytes, contentType);
      var json = Json.map(r.body());
      int total = (Integer) json.get("accepted") + ((List<?>) json.get("rejected")).size();
      assertThat(total).isEqualTo(prepared.stats().recordsRead());
    }
  }

  @Property(tries = 100)
  @Label("gzip of anything: 200/400/413")
  void gzippedSoup(@ForAll("jsonishBody") String body) {
    InMemoryLogStore store = new InMemoryLogStore();
    byte[] gz = Samples.gzip(body.getBytes(StandardCharsets.UTF_8));
    assertConsistent(ingest(gz, "application/json", "gzip", store), store);
  }

  /**
   * Bytes that make a JSON reader guess another encoding: NUL bytes, the UTF-8/16/32 byte-order
   * marks, or nothing.
   */
  private static final List<byte[]> PREFIXES = List.of(new byte[0], new byte[] {0}, new byte[] {0, 0},
      new byte[] {0, 0, 0}, new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf}, new byte[] {(byte) 0xfe, (byte) 0xff},
      new byte[] {(byte) 0xff, (byte) 0xfe}, new byte[] {0, 0, (byte) 0xfe, (byte) 0xff},
      new byte[] {(byte) 0xff, (byte) 0xfe, 0, 0}, new byte[] {' ', 0}, new byte[] {'\n', 0, '{'});

  private static final List<java.nio.charset.Charset> TEXT_ENCODINGS = List.of(StandardCharsets.UTF_8,
      StandardCharsets.UTF_16, StandardCharsets.UTF_16BE, StandardCharsets.UTF_16LE,
      java.nio.charset.Charset.forName("UTF-32BE"), java.nio.charset.Charset.forName("UTF-32LE"));

  @Provide
  Arbitrary<byte[]> soup() {
    Arbitrary<byte[]> inOtherEncodings = Combinators.combine(jsonishBody(), Arbitraries.of(TEXT_ENCODINGS))
        .as((text, charset) -> text.getBytes(charset));
    return Combinators.combine(Arbitraries.of(PREFIXES), Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(3, soupBody()), net.jqwik.api.Tuple.of(1, inOtherEncodings)))
        .as((prefix, rest) -> {
          byte[] out = new byte[prefix.length + rest.length];
          System.arraycopy(prefix, 0, out, 0, prefix.length);
          System.arraycopy(rest, 0, out, prefix.length, rest.length);
          return out;
        });
  }

  private Arbitrary<byte[]> soupBody() {
    return Arbitraries.oneOf(
        Arbitraries.bytes().array(byte[].class).ofMaxSize(2048),
        Arbitraries.strings().withChars("{}[]\":,\\ \n\r\t0123456789.-eEtrufalsn%+\u00e9\u20ac").ofMaxLength(400)
            .map(s -> s.getBytes(StandardCharsets.UTF_8)),
        Arbitraries.bytes().array(byte[].class).ofMinSize(2).ofMaxSize(512).map(b -> {
          b[0] = 0x1f;
          b[1] = (byte) 0x8b;
          return b;
        }));
  }

  @Provide
  Arbitrary<String> contentTypes() {
    return Arbitraries.of("application/json", "application/x-ndjson", "text/plain; charset=utf-8", "application/gzip",
        "application/xml").injectNull(0.2);
  }

  @Provide
  Arbitrary<String> encodings() {
    return Arbitraries.of("gzip", "identity", "br").injectNull(0.6);
  }

  @Provide
  Arbitrary<String> jsonishBody() {
    long now = Samples.NOW_SEC;
    Arbitrary<String> good = Arbitraries.longs().between(now - 20L * 86400, now + 3 * 3600)
        .map(t -> "{\"reqTimeSec\":\"" + t + "\",\"reqId\":\"r\",\"UA\":\"a%20b\",\"statusCode\":\"200\"}");
    Arbitrary<String> js = Arbitraries.longs().between(now - 3600, now)
        .map(t -> "{\"time\":" + t * 1_000_000_000L + ",\"severity\":\"INFO\",\"body\":\"x%2\"}");
    Arbitrary<String> noise = Arbitraries.strings().withChars("{}[]\":,abc12%\\").ofMaxLength(30);
    Arbitrary<String> element = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(5, good), net.jqwik.api.Tuple.of(2, js), net.jqwik.api.Tuple.of(2, noise),
        net.jqwik.api.Tuple.of(1, Arbitraries.just("[1,2]")), net.jqwik.api.Tuple.of(1, Arbitraries.just("")));
    Arbitrary<List<String>> lines = element.list().ofMaxSize(25);
    return Combinators.combine(lines, Arbitraries.of(true, false))
        .as((l, array) -> array ? "[" + String.join(",", l.stream().filter(s -> !s.isEmpty()).toList()) + "]" : String.join("\n", l));
  }
}
