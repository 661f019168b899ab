package dev.edgeperimeter.ingest;

import dev.edgeperimeter.ingest.normalize.Ds2Fields;
import static dev.edgeperimeter.ingest.Samples.NOW;
import static dev.edgeperimeter.ingest.Samples.NOW_SEC;
import static dev.edgeperimeter.ingest.Samples.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Contract §3, DataStream 2: both framings, field normalization, per-record rejection. */
class DataStream2NormalizationTest {
  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

  private PreparedBody prepare(String body, String contentType) throws IngestException {
    return new IngestPipeline(clock).prepare(utf8(body), contentType);
  }

  @Test
  @DisplayName("a realistic CDN record: numeric strings become numbers, URL-encoded fields are decoded")
  void cdnRecordNormalized() throws Exception {
    PreparedBody body = prepare(Samples.cdnRecord(1, NOW_SEC - 60, "123") + "\n", "application/x-ndjson");
    assertThat(body.format()).isEqualTo(BodyFormat.DATASTREAM2_NDJSON);
    assertThat(body.rejections()).isEmpty();
    Map<String, Object> e = Json.events(body).get(0);
    assertThat(e).containsEntry("ts", (NOW_SEC - 60) * 1000 + 123)
        .containsEntry("reqId", "1239f2201")
        .containsEntry("source", "ds2")
        .containsEntry("kind", "cdn")
        .containsEntry("statusCode", 200)
        .containsEntry("reqPort", 443)
        .containsEntry("cacheStatus", 1)
        .containsEntry("turnAroundTimeMSec", 12)
        .containsEntry("cp", "123456")
        .containsEntry("UA", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_14_3)")
        .containsEntry("referer", "https://test.referrer.net/en-US/docs/Web/test")
        .containsEntry("queryStr", "param=value&x=1")
        .containsEntry("breadcrumbs", "//BC/[a=23.33.41.20,c=g,k=0,l=1]")
        .containsEntry("securityRules", "ULnR_28976|3900000:3900001")
        .containsEntry("reqPath", "/path1/path2/file.ext")
        .containsEntry("streamId", "12345");
    assertThat(((Number) e.get("reqTimeSec")).doubleValue()).isEqualTo(NOW_SEC - 60 + 0.123);
    assertThat(body.events().streamName(body.events().streamId(0))).isEqualTo("ds2/12345/2026-11-25");
  }

  @Test
  @DisplayName("reqTimeSec with and without fraction, as string or number")
  void reqTimeSecForms() throws Exception {
    long s = NOW_SEC - 10;
    PreparedBody body = prepare("{\"reqTimeSec\":\"" + s + "\"}\n{\"reqTimeSec\":\"" + s + ".5\"}\n{\"reqTimeSec\":" + s
        + ".987654}\n{\"reqTimeSec\":" + s + "}\n", null);
    assertThat(body.rejections()).isEmpty();
    List<Map<String, Object>> events = Json.events(body);
    assertThat(events).extracting(m -> m.get("ts"))
        .containsExactly(s * 1000, s * 1000 + 500, s * 1000 + 987, s * 1000);
  }

  @Test
  @DisplayName("ewUsageInfo: every per-EdgeWorker tuple parsed, raw kept; errors counted by id and handler")
  void ewUsageInfoParsed() throws Exception {
    String usage = "//4380/4.0/1/-/0/4/1-1/1/0/-/#1,2\\\\//4380/4.0/5/-/1/6/1-1/0/0/-/#0,0";
    PreparedBody body = prepare("{\"reqTimeSec\":\"" + NOW_SEC + "\",\"ewUsageInfo\":\"" + usage + "\"}", null);
    Map<String, Object> e = Json.events(body).get(0);
    assertThat(e.get("ewUsageInfo")).isEqualTo(usage.replace("\\\\", "\\"));
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> tuples = (List<Map<String, Object>>) e.get("ewUsage");
    assertThat(tuples).hasSize(2);
    assertThat(tuples.get(0)).containsEntry("ewId", "4380").containsEntry("version", "4.0")
        .containsEntry("handler", "onClientRequest").containsEntry("offReason", "-")
        .containsEntry("logicExecuted", "0").containsEntry("status", "4")
        .containsEntry("statusName", "unimplementedEventHandler")
        .containsEntry("extra", List.of("1-1", "1", "0", "-"))
        .containsEntry("metrics", List.of(1, 2));
    assertThat(tuples.get(1)).containsEntry("handler", "responseProvider").containsEntry("statusName", "executionError");
    assertThat(body.stats().edgeWorkerErrors()).isEqualTo(Map.of("4380", Map.of("responseProvider", 1)));
  }

  @Test
  @DisplayName("older ewUsageInfo layout (no trailing slash before #) parses too")
  void ewUsageInfoOlderLayout() throws Exception {
    PreparedBody body = prepare("{\"reqTimeSec\":\"" + NOW_SEC + "\",\"ewUsageInfo\":\"//4380/4.2/1/-/0/4/0/0/1#1,2\"}", null);
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> tuples = (List<Map<String, Object>>) Json.events(body).get(0).get("ewUsage");
    assertThat(tuples.get(0)).containsEntry("status", "4").containsEntry("extra", List.of("0", "0", "1"))
        .containsEntry("metrics", List.of(1, 2));
  }

  @Test
  @DisplayName("malformed ewUsageInfo / ewExecutionInfo: raw kept, reason recorded, record still stored")
  void ewInfoMalformed() throws Exception {
    PreparedBody body = prepare("{\"reqTimeSec\":\"" + NOW_SEC + "\",\"ewUsageInfo\":\"garbage/1/2\","
        + "\"ewExecutionInfo\":\"//x/1/2\"}", null);
    Map<String, Object> e = Json.events(body).get(0);
    assertThat(e).containsEntry("ewUsageInfo", "garbage/1/2").containsKey("ewUsageError")
        .containsEntry("ewExecutionInfo", "//x/1/2").containsEntry("ewExecutionError", "EdgeWorker id is not numeric")
        .doesNotContainKey("ewUsage");
  }

  @Test
  @DisplayName("ewExecutionInfo: id, version, handler, positional fields and metrics")
  void ewExecutionInfoParsed() throws Exception {
    PreparedBody body = prepare("{\"reqTimeSec\":\"" + NOW_SEC + "\",\"ewExecutionInfo\":\"//4380/4.0/2/0/3/12#5,6.5\"}", null);
    @SuppressWarnings("unchecked")
    Map<String, Object> t = ((List<Map<String, Object>>) Json.events(body).get(0).get("ewExecution")).get(0);
    assertThat(t).containsEntry("ewId", "4380").containsEntry("handler", "onOriginRequest")
        .containsEntry("fields", List.of("0", "3", "12")).containsEntry("metrics", List.of(5, 6.5));
  }

  @Test
  @DisplayName("EdgeWorkers JavaScript log record: ns time, decoded body, request id from attributes")
  void jsLogRecord() throws Exception {
    long nanos = (NOW_SEC - 5) * 1_000_000_000L + 123_456_789L;
    PreparedBody body = prepare(Samples.jsLogRecord(7, nanos, "ERROR"), "application/json");
    Map<String, Object> e = Json.events(body).get(0);
    assertThat(e).containsEntry("ts", (NOW_SEC - 5) * 1000 + 123)
        .containsEntry("reqId", "req-7")
        .containsEntry("kind", "ew-js-log")
        .containsEntry("severity", "ERROR")
        .containsEntry("body", "decision=forward reason=ok jti=req-7")
        .containsEntry("ds2id", "67890")
        .containsEntry("resource", Map.of("ew", "4380", "ewv", "4.0"))
        .containsEntry("attributes", Map.of("request_id", "req-7", "event_handler", "onClientRequest"));
    assertThat(((Number) e.get("time")).longValue()).isEqualTo(nanos);
    assertThat(body.events().streamName(0)).isEqualTo("ds2/67890/2026-11-25");
    assertThat(body.stats().severities()).containsEntry("error", 1);
  }

  @Test
  @DisplayName("JSON array framing, Content-Type application/json")
  void jsonArray() throws Exception {
    PreparedBody body = prepare("[" + Samples.cdnRecord(1, NOW_SEC, null) + ",\n " + Samples.cdnRecord(2, NOW_SEC, null) + "]",
        "application/json");
    assertThat(body.format()).isEqualTo(BodyFormat.DATASTREAM2_ARRAY);
    assertThat(body.events().count()).isEqualTo(2);
  }

  @Test
  @DisplayName("missing fields are fine: only a usable timestamp is required")
  void sparseRecords() throws Exception {
    PreparedBody body = prepare("{\"reqTimeSec\":\"" + NOW_SEC + "\"}\n{\"reqTimeSec\":\"" + NOW_SEC + "\",\"statusCode\":\"\"}", null);
    assertThat(body.rejections()).isEmpty();
    assertThat(Json.events(body).get(0)).containsOnlyKeys("ts", "eid", "source", "kind", "reqTimeSec");
    assertThat(Json.events(body).get(1)).containsEntry("statusCode", "");
    assertThat(body.events().streamName(0)).isEqualTo("ds2/unknown/2026-11-25");
  }

  @Test
  @DisplayName("odd encodings: bad escapes stay literal, invalid UTF-8 escapes become U+FFFD, multi-byte decoded")
  void oddEncodings() throws Exception {
    PreparedBody body = prepare("{\"reqTimeSec\":\"" + NOW_SEC + "\",\"UA\":\"100%25+sure%2\",\"referer\":\"%ZZ%E2%82%AC%C3\","
        + "\"city\":\"S%C3%A3o+Paulo\",\"cookie\":\"caf\\u00e9%20\\ud83d\\ude00\"}", null);
    Map<String, Object> e = Json.events(body).get(0);
    assertThat(e).containsEntry("UA", "100% sure%2")
        .containsEntry("referer", "%ZZ€\uFFFD")
        .containsEntry("city", "São Paulo")
        .containsEntry("cookie", "café 😀");
  }

  @Test
  @DisplayName("numbers that are not JSON numbers stay strings; big ones keep every digit")
  void numericEdgeCases() throws Exception {
    PreparedBody body = prepare("{\"reqTimeSec\":\"" + NOW_SEC + "\",\"bytes\":\"007\",\"objSize\":\"12345678901234567890123\","
        + "\"totalBytes\":\"-\",\"statusCode\":200,\"reqPort\":\"4.5e3\"}", null);
    Map<String, Object> e = Json.events(body).get(0);
    assertThat(e).containsEntry("bytes", "007").containsEntry("totalBytes", "-").containsEntry("statusCode", 200)
        .containsEntry("reqPort", "4.5e3");
    assertThat(e.get("objSize").toString()).isEqualTo("12345678901234567890123");
  }

  @Test
  @DisplayName("a record field named like a normalized one is kept as _<name>")
  void collidingNames() throws Exception {
    PreparedBody body = prepare("{\"reqTimeSec\":\"" + NOW_SEC + "\",\"ts\":\"x\",\"source\":\"y\",\"kind\":1}", null);
    assertThat(Json.events(body).get(0)).containsEntry("_ts", "x").containsEntry("_source", "y").containsEntry("_kind", 1)
        .containsEntry("source", "ds2");
  }

  @Test
  @DisplayName("bad lines are rejected by index with a reason; the rest is stored")
  void badLinesRejectedIndividually() throws Exception {
    String ok = "{\"reqTimeSec\":\"" + NOW_SEC + "\"}";
    PreparedBody body = prepare(ok + "\n{not json\n\n  \n[1,2]\n{\"statusCode\":\"200\"}\n" + ok + " {}\n"
        + "{\"reqTimeSec\":\"abc\"}\n{\"a\":1,\"a\":2,\"reqTimeSec\":\"" + NOW_SEC + "\"}\r\n" + ok + "\r\n", null);
    assertThat(body.stats().recordsRead()).isEqualTo(8);
    assertThat(body.rejections()).extracting(Rejection::index).containsExactly(1, 2, 3, 4, 5, 6);
    assertThat(body.rejections()).extracting(Rejection::reason).containsExactly(
        "invalid JSON", "record is not a JSON object", "no usable timestamp",
        "invalid JSON: more than one JSON value on the line", "no usable timestamp", "invalid JSON");
    assertThat(body.events().count()).isEqualTo(2);
    assertThat(body.events().recordIndex(1)).isEqualTo(7);
  }

  @Test
  @DisplayName("a record over 1 MiB is rejected as too large")
  void recordTooLarge() throws Exception {
    String big = "{\"reqTimeSec\":\"" + NOW_SEC + "\",\"customField\":\"" + "x".repeat(IngestLimits.MAX_RECORD_BYTES) + "\"}";
    PreparedBody body = prepare(big + "\n{\"reqTimeSec\":\"" + NOW_SEC + "\"}", null);
    assertThat(body.rejections()).containsExactly(new Rejection(0, RejectReason.RECORD_TOO_LARGE.message()));
    PreparedBody array = prepare("[" + big + "]", null);
    assertThat(array.rejections()).extracting(Rejection::reason).containsExactly(RejectReason.RECORD_TOO_LARGE.message());
  }

  @Test
  @DisplayName("unreadable bodies are 400: empty, byte soup, broken JSON array, data after the array")
  void unreadableBodies() {
    for (String body : new String[] {"", "  \n ", "hello\nworld", "[{\"reqTimeSec\":\"1\"}", "[] x", "{not json\n{neither"}) {
      assertThatThrownBy(() -> prepare(body, null)).as(body).isInstanceOf(IngestException.class)
          .extracting(e -> ((IngestException) e).status()).isEqualTo(400);
    }
  }

  @Test
  @DisplayName("the body identity is the SHA-256 of the decompressed body")
  void identityIsBodyHash() throws Exception {
    String b = "{\"reqTimeSec\":\"" + NOW_SEC + "\"}";
    assertThat(prepare(b, null).identity()).isEqualTo("ds2#" + IngestPipeline.sha256(utf8(b)));
  }

  @Test
  @DisplayName("CDN statistics: status classes, cache hit ratio, turnaround values")
  void cdnStats() throws Exception {
    PreparedBody body = new IngestPipeline(clock).parseNormalizeBatch(Samples.ndjson(30, NOW_SEC));
    BatchStats s = body.stats();
    assertThat(s.statusClass(2) + s.statusClass(3) + s.statusClass(4) + s.statusClass(5)).isEqualTo(30);
    assertThat(s.statusClass(5)).isEqualTo(3);
    assertThat(s.cacheHits()).isEqualTo(20);
    assertThat(s.cacheMisses()).isEqualTo(10);
    assertThat(s.edgeTurnaroundMillis().size()).isEqualTo(30);
  }

  @Test
  @DisplayName("every documented URL-encoded field is decoded and every numeric field becomes a number")
  void fieldListsMatchTheNormalizer() throws Exception {
    StringBuilder sb = new StringBuilder("{\"reqTimeSec\":\"" + NOW_SEC + "\"");
    for (String f : Ds2Fields.URL_ENCODED) {
      sb.append(",\"").append(f).append("\":\"a%20b+c\"");
    }
    for (String f : Ds2Fields.NUMERIC) {
      if (!f.equals("reqTimeSec") && !f.equals("time")) {
        sb.append(",\"").append(f).append("\":\"12\"");
      }
    }
    Map<String, Object> e = Json.events(prepare(sb.append("}").toString(), null)).get(0);
    for (String f : Ds2Fields.URL_ENCODED) {
      assertThat(e.get(f)).as(f).isEqualTo("a b c");
    }
    for (String f : Ds2Fields.NUMERIC) {
      if (!f.equals("reqTimeSec") && !f.equals("time")) {
        assertThat(e.get(f)).as(f).isEqualTo(12);
      }
    }
  }
}
