package dev.edgeperimeter.ingest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.zip.GZIPOutputStream;

/** Realistic DataStream 2 and EdgeWorker bodies for tests and the throughput main. */
final class Samples {
  static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
  static final long NOW_SEC = NOW.getEpochSecond();

  private Samples() {
  }

  /** A full CDN request log record as DataStream 2's JSON output sends it. */
  static String cdnRecord(int i, long reqTimeSec, String fraction) {
    return "{\"version\":1,\"cp\":\"123456\",\"reqId\":\"1239f220" + i + "\",\"reqTimeSec\":\"" + reqTimeSec
        + (fraction == null ? "" : "." + fraction) + "\",\"bytes\":\"4995\",\"cliIP\":\"128.147.28.68\","
        + "\"statusCode\":\"" + (i % 10 == 0 ? 503 : i % 7 == 0 ? 404 : i % 5 == 0 ? 304 : 200) + "\","
        + "\"proto\":\"HTTPS\",\"reqHost\":\"test.hostname.net\",\"reqMethod\":\"GET\",\"reqPath\":\"/path1/path2/file.ext\","
        + "\"reqPort\":\"443\",\"rspContentLen\":\"5000\",\"rspContentType\":\"text/html\","
        + "\"UA\":\"Mozilla%2F5.0+%28Macintosh%3B+Intel+Mac+OS+X+10_14_3%29\",\"tlsOverheadTimeMSec\":\"0\","
        + "\"tlsVersion\":\"TLSv1\",\"objSize\":\"484\",\"uncompressedSize\":\"484\",\"overheadBytes\":\"232\","
        + "\"totalBytes\":\"0\",\"queryStr\":\"param=value%26x%3D1\",\"breadcrumbs\":\"//BC/%5Ba=23.33.41.20,c=g,k=0,l=1%5D\","
        + "\"accLang\":\"en-US\",\"cookie\":\"cookie-content\",\"range\":\"37334-42356\","
        + "\"referer\":\"https%3A%2F%2Ftest.referrer.net%2Fen-US%2Fdocs%2FWeb%2Ftest\",\"xForwardedFor\":\"8.47.28.38\","
        + "\"maxAgeSec\":\"3600\",\"reqEndTimeMSec\":\"3\",\"errorCode\":\"ERR_ACCESS_DENIED|fwd_acl\","
        + "\"turnAroundTimeMSec\":\"" + (11 + i % 40) + "\",\"transferTimeMSec\":\"125\",\"dnsLookupTimeMSec\":\"50\","
        + "\"lastByte\":\"1\",\"edgeIP\":\"23.50.51.173\",\"country\":\"IN\",\"state\":\"Virginia\",\"city\":\"HERNDON\","
        + "\"serverCountry\":\"SG\",\"billingRegion\":\"8\",\"cacheStatus\":\"" + (i % 3 == 0 ? 0 : 1) + "\","
        + "\"securityRules\":\"ULnR_28976%7C3900000%3A3900001\","
        + "\"ewUsageInfo\":\"//4380/4.0/1/-/0/4/1-1/1/0/-/#1,2\\\\//4380/4.0/5/-/1/" + (i % 11 == 0 ? 6 : 1) + "/1-1/0/0/-/#0,0\","
        + "\"ewExecutionInfo\":\"//4380/4.0/1/0/3/12/1.2/3.4#5,6\","
        + "\"customField\":\"any-custom-value\",\"streamId\":\"12345\"}";
  }

  /** An EdgeWorkers JavaScript log record delivered by a DataStream 2 EdgeWorkers stream. */
  static String jsLogRecord(int i, long epochNanos, String severity) {
    return "{\"time\":\"" + epochNanos + "\",\"severity\":\"" + severity + "\",\"body\":\"decision%3Dforward+reason%3Dok+jti%3Dreq-" + i
        + "\",\"ds2id\":\"67890\",\"attributes\":{\"request_id\":\"req-" + i + "\",\"event_handler\":\"onClientRequest\"},"
        + "\"resource\":{\"ew\":\"4380\",\"ewv\":\"4.0\"}}";
  }

  static byte[] ndjson(int records, long reqTimeSec) {
    StringBuilder sb = new StringBuilder(records * 1400);
    for (int i = 0; i < records; i++) {
      sb.append(cdnRecord(i, reqTimeSec, (i % 2 == 0) ? "123" : null)).append('\n');
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  static String edgeWorkerEvent(int i, long tsMillis, String level) {
    return "{\"ts\":" + tsMillis + ",\"reqId\":\"req-" + i + "\",\"level\":\"" + level + "\",\"msg\":\"decision=forward reason=ok n=" + i
        + "\",\"ew\":{\"id\":1234567,\"version\":\"1.4.2\",\"handler\":\"onClientRequest\"},\"attrs\":{\"k\":\"v" + i + "\"}}";
  }

  static byte[] edgeWorkerBatch(String batchId, int events, long tsMillis) {
    StringBuilder sb = new StringBuilder("{\"v\":1,\"source\":\"edgeworker\",\"batchId\":\"" + batchId + "\",\"events\":[");
    for (int i = 0; i < events; i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(edgeWorkerEvent(i, tsMillis + i, i % 4 == 0 ? "error" : "info"));
    }
    return sb.append("]}").toString().getBytes(StandardCharsets.UTF_8);
  }

  static byte[] gzip(byte[] body) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
        gz.write(body);
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
