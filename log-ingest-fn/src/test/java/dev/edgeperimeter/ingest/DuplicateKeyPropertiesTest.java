package dev.edgeperimeter.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The NDJSON fast path checks duplicate keys itself (it parses without Jackson's check): for any
 * mix of records, exactly the records holding a duplicate key at some level are rejected.
 */
class DuplicateKeyPropertiesTest {
  private static final List<String> NAMES = List.of("reqId", "UA", "bytes", "streamId", "cp", "statusCode", "ts",
      "ewUsageInfo", "x", "y");

  private final Clock clock = Clock.fixed(Samples.NOW, ZoneOffset.UTC);

  /** A record: top-level names after reqTimeSec, and the names of one nested object (empty: none). */
  record Shape(List<String> names, List<String> nested) {
    boolean hasDuplicate() {
      List<String> top = new ArrayList<>(names);
      top.add("reqTimeSec");
      if (!nested.isEmpty()) {
        top.add("nested");
      }
      return new HashSet<>(top).size() < top.size() || new HashSet<>(nested).size() < nested.size();
    }

    String json() {
      StringBuilder sb = new StringBuilder("{\"reqTimeSec\":\"" + Samples.NOW_SEC + "\"");
      for (String n : names) {
        sb.append(",\"").append(n).append("\":\"1\"");
      }
      if (!nested.isEmpty()) {
        sb.append(",\"nested\":{");
        for (int i = 0; i < nested.size(); i++) {
          sb.append(i == 0 ? "" : ",").append('"').append(nested.get(i)).append("\":[").append(i).append(']');
        }
        sb.append('}');
      }
      return sb.append('}').toString();
    }
  }

  @Property(tries = 300)
  @Label("rejected records are exactly those with a duplicate key")
  void exactlyDuplicatesRejected(@ForAll("records") List<Shape> records) throws Exception {
    StringBuilder body = new StringBuilder();
    Set<Integer> expected = new HashSet<>();
    for (int i = 0; i < records.size(); i++) {
      body.append(records.get(i).json()).append('\n');
      if (records.get(i).hasDuplicate()) {
        expected.add(i);
      }
    }
    // one clean record, so that a body of only duplicates is still a body of records
    body.append(new Shape(List.of("reqId"), List.of()).json()).append('\n');
    PreparedBody prepared = new IngestPipeline(clock).prepare(body.toString().getBytes(StandardCharsets.UTF_8),
        "application/x-ndjson");
    assertThat(prepared.rejections()).extracting(Rejection::index).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(prepared.rejections()).allMatch(r -> r.reason().equals(RejectReason.INVALID_JSON.message()));
    assertThat(prepared.events().count()).isEqualTo(records.size() + 1 - expected.size());
  }

  @Provide
  Arbitrary<List<Shape>> records() {
    Arbitrary<List<String>> names = Arbitraries.of(NAMES).list().ofMaxSize(6);
    Arbitrary<List<String>> nested = Arbitraries.of("a", "b", "c").list().ofMaxSize(3);
    Arbitrary<Shape> shape = net.jqwik.api.Combinators.combine(names, nested).as(Shape::new);
    return shape.list().ofMinSize(1).ofMaxSize(12);
  }
}
