package dev.edgeperimeter.bench.ingest;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Realistic Akamai DataStream 2 JSON-lines bodies, the same bytes for the same seed and base time:
 * CDN request records with every value a string as DataStream 2 sends them ({@code reqTimeSec}
 * with a millisecond fraction, numeric strings, URL-encoded {@code UA}/{@code referer}/{@code
 * queryStr}/...), a mix of status codes and cache hits, and on a third of the records the
 * EdgeWorkers fields {@code ewUsageInfo} / {@code ewExecutionInfo}.
 */
public final class Ds2Generator {
  private static final String[] PATHS = {"/orders/42", "/orders", "/api/v2/catalog/items", "/static/app.9f1c2e.js",
      "/images/hero-1600w.webp", "/api/v2/cart", "/login", "/orders/1337/invoice.pdf", "/health", "/"};
  private static final String[] METHODS = {"GET", "GET", "GET", "GET", "POST", "GET", "PUT", "GET", "HEAD", "GET"};
  private static final String[] UAS = {
      "Mozilla%2F5.0+%28Macintosh%3B+Intel+Mac+OS+X+10_15_7%29+AppleWebKit%2F605.1.15+%28KHTML%2C+like+Gecko%29+Version%2F17.4+Safari%2F605.1.15",
      "Mozilla%2F5.0+%28Windows+NT+10.0%3B+Win64%3B+x64%29+AppleWebKit%2F537.36+%28KHTML%2C+like+Gecko%29+Chrome%2F124.0.0.0+Safari%2F537.36",
      "Mozilla%2F5.0+%28iPhone%3B+CPU+iPhone+OS+17_4+like+Mac+OS+X%29+AppleWebKit%2F605.1.15+%28KHTML%2C+like+Gecko%29+Mobile%2F15E148",
      "okhttp%2F4.12.0", "curl%2F8.5.0", "python-requests%2F2.31.0"};
  private static final String[] CONTENT_TYPES = {"application/json", "text/html", "application/javascript", "image/webp",
      "application/pdf"};
  private static final String[] COUNTRIES = {"US", "DE", "IN", "BR", "JP", "GB", "FR", "SG"};
  private static final String[] CITIES = {"SANJOSE", "FRANKFURT", "MUMBAI", "SAOPAULO", "TOKYO", "LONDON", "PARIS",
      "SINGAPORE"};
  private static final int[] STATUS = {200, 200, 200, 200, 200, 200, 304, 304, 404, 403, 500, 503, 201, 206};

  private Ds2Generator() {
  }

  /** A generated body and how many records it holds. */
  public record Body(byte[] bytes, int records) {
  }

  /**
   * NDJSON records until the body reaches {@code targetBytes} (never above it).
   *
   * @param baseEpochMillis the latest request time; records spread over the 10 minutes before it
   */
  public static Body ndjson(long seed, int targetBytes, long baseEpochMillis) {
    SplittableRandom random = new SplittableRandom(seed);
    ByteArrayOutputStream out = new ByteArrayOutputStream(targetBytes + 4096);
    int records = 0;
    StringBuilder sb = new StringBuilder(2048);
    while (true) {
      sb.setLength(0);
      record(sb, random, records, baseEpochMillis);
      sb.append('\n');
      byte[] line = sb.toString().getBytes(StandardCharsets.UTF_8);
      if (out.size() + line.length > targetBytes) {
        break;
      }
      out.writeBytes(line);
      records++;
    }
    return new Body(out.toByteArray(), records);
  }

  static void record(StringBuilder sb, SplittableRandom r, int i, long baseEpochMillis) {
    long reqMillis = baseEpochMillis - r.nextLong(600_000);
    int p = r.nextInt(PATHS.length);
    int status = STATUS[r.nextInt(STATUS.length)];
    boolean hit = status < 400 && r.nextInt(100) < 70;
    int bytes = 200 + r.nextInt(250_000);
    int tat = 1 + (hit ? r.nextInt(15) : 20 + r.nextInt(400));
    int country = r.nextInt(COUNTRIES.length);
    field(sb, '{', "version", "1");
    field(sb, ',', "cp", "123456");
    field(sb, ',', "reqId", Long.toHexString(r.nextLong() & 0xffffffffffL) + "-" + Integer.toHexString(i));
    field(sb, ',', "reqTimeSec", String.format(Locale.ROOT, "%d.%03d", reqMillis / 1000, reqMillis % 1000));
    field(sb, ',', "bytes", Integer.toString(bytes));
    field(sb, ',', "cliIP", (1 + r.nextInt(223)) + "." + r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(256));
    field(sb, ',', "statusCode", Integer.toString(status));
    field(sb, ',', "proto", r.nextInt(4) == 0 ? "HTTP/2" : "HTTPS");
    field(sb, ',', "reqHost", "api.example.com");
    field(sb, ',', "reqMethod", METHODS[p]);
    field(sb, ',', "reqPath", PATHS[p]);
    field(sb, ',', "reqPort", "443");
    field(sb, ',', "rspContentLen", Integer.toString(bytes));
    field(sb, ',', "rspContentType", CONTENT_TYPES[r.nextInt(CONTENT_TYPES.length)]);
    field(sb, ',', "UA", UAS[r.nextInt(UAS.length)]);
    field(sb, ',', "tlsOverheadTimeMSec", Integer.toString(r.nextInt(40)));
    field(sb, ',', "tlsVersion", "TLSv1.3");
    field(sb, ',', "objSize", Integer.toString(bytes));
    field(sb, ',', "uncompressedSize", Integer.toString(bytes * 3));
    field(sb, ',', "overheadBytes", Integer.toString(200 + r.nextInt(100)));
    field(sb, ',', "totalBytes", Integer.toString(bytes + 250));
    field(sb, ',', "queryStr", r.nextBoolean() ? "-" : "page%3D" + r.nextInt(50) + "%26sort%3Ddate");
    field(sb, ',', "breadcrumbs", "%2F%2FBC%2F%5Ba%3D23.33.41.20%2Cc%3Dg%2Ck%3D0%2Cl%3D1%5D");
    field(sb, ',', "accLang", "en-US%2Cen%3Bq%3D0.9");
    field(sb, ',', "cookie", "-");
    field(sb, ',', "range", "-");
    field(sb, ',', "referer", "https%3A%2F%2Fwww.example.com%2Fshop%2F" + r.nextInt(1000));
    field(sb, ',', "xForwardedFor", "-");
    field(sb, ',', "maxAgeSec", hit ? "3600" : "0");
    field(sb, ',', "reqEndTimeMSec", Integer.toString(r.nextInt(10)));
    field(sb, ',', "errorCode", status >= 500 ? "ERR_CONNECT_FAIL%7Corigin" : "-");
    field(sb, ',', "turnAroundTimeMSec", Integer.toString(tat));
    field(sb, ',', "transferTimeMSec", Integer.toString(r.nextInt(300)));
    field(sb, ',', "dnsLookupTimeMSec", hit ? "-" : Integer.toString(r.nextInt(60)));
    field(sb, ',', "lastByte", "1");
    field(sb, ',', "edgeIP", "23.50." + r.nextInt(256) + "." + r.nextInt(256));
    field(sb, ',', "country", COUNTRIES[country]);
    field(sb, ',', "state", "-");
    field(sb, ',', "city", CITIES[country]);
    field(sb, ',', "serverCountry", COUNTRIES[r.nextInt(COUNTRIES.length)]);
    field(sb, ',', "billingRegion", Integer.toString(1 + r.nextInt(8)));
    field(sb, ',', "cacheStatus", hit ? "1" : "0");
    field(sb, ',', "cacheable", hit ? "1" : "0");
    field(sb, ',', "securityRules", r.nextInt(10) == 0 ? "ULnR_28976%7C3900000%3A3900001" : "-");
    if (r.nextInt(3) == 0) {
      int ewStatus = r.nextInt(20) == 0 ? 6 : 1;
      // the backslash separating tuples is escaped once for JSON
      field(sb, ',', "ewUsageInfo", "//4380/4.0/1/-/0/4/1-1/1/0/-/#1,2\\\\//4380/4.0/5/-/1/" + ewStatus
          + "/1-1/0/0/-/#0,0");
      field(sb, ',', "ewExecutionInfo", "//4380/4.0/1/0/" + r.nextInt(8) + "/" + (5 + r.nextInt(30)) + "/1.2/3.4#5,6");
    }
    field(sb, ',', "customField", "edge-perimeter%3Dv1");
    field(sb, ',', "streamId", "12345");
    sb.append('}');
  }

  /** {@code value} is JSON-safe already (generated text without quotes or control characters). */
  private static void field(StringBuilder sb, char before, String name, String value) {
    sb.append(before).append('"').append(name).append("\":\"").append(value).append('"');
  }
}
