package dev.edgeperimeter.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgeperimeter.shared.aws.AwsClients;
import dev.edgeperimeter.shared.aws.AwsSettings;
import dev.edgeperimeter.shared.config.Env;
import dev.edgeperimeter.shared.json.JsonLimits;
import dev.edgeperimeter.shared.keys.KeyMaterialCipher;
import dev.edgeperimeter.shared.keys.KeyRecord;
import dev.edgeperimeter.shared.keys.KeyState;
import dev.edgeperimeter.shared.keys.KeyStore;
import dev.edgeperimeter.shared.keys.KeyTable;
import dev.edgeperimeter.testsupport.EdgeAssertionSigner;
import dev.edgeperimeter.testsupport.SamTemplate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Writes fresh copies of the authorizer's sample events ({@code events/authorizer/*.json}) whose
 * {@code X-Edge-Assertion} is signed now with the local key set's CURRENT key (read from the local
 * DynamoDB key table and decrypted with the local KMS), so that {@code sam local invoke} and
 * {@code bin/local-invoke} can be tried with events that verify. Assertions are short-lived by
 * contract (at most 300 s), which is why the committed samples cannot stay valid in git.
 *
 * <pre>
 * bin/fresh-events [--out target/fresh-events/authorizer] [--bearer TOKEN --sub SUBJECT --scope "a b"]
 *     [--issuer ...] [--audience ...] [--aws]
 * </pre>
 *
 * <p>While {@code ./run-local} runs, it signs with that stack's keys and parameters and puts its
 * demo user's access token into the events ({@link LocalRunState}); otherwise it reads the key
 * table at {@code AWS_ENDPOINT_URL}, and real AWS only with {@code --aws}.
 */
public final class FreshEvents {
  static final ObjectMapper MAPPER = JsonMapper.builder(JsonLimits.FACTORY)
      .enable(SerializationFeature.INDENT_OUTPUT)
      .build();

  /** What to sign into the events. */
  public record Options(Path outDir, String keyTable, String keySet, String issuer, String audience,
                        String bearer, String sub, String scope, long lifetimeSeconds) {

    /**
     * Defaults from template.yaml's parameter defaults and the local resource names; the assertions
     * carry the scope {@code orders:read}, which the shipped route policy needs for the samples' route.
     */
    public static Options defaults(SamTemplate template, Path outDir) {
      Map<String, String> p = template.parameterDefaults();
      return new Options(outDir, LocalNames.tableName("KeyTable"), p.getOrDefault("KeySetName", KeyTable.DEFAULT_KEY_SET),
          p.getOrDefault("EdgeIssuers", "akamai-edgeworker:1234567").split(",")[0], p.getOrDefault("EdgeAudience", "orders-api"),
          null, null, "orders:read", 300);
    }

    public Options withBearer(String token, String subject, String scopes) {
      return new Options(outDir, keyTable, keySet, issuer, audience, token, subject, scopes, lifetimeSeconds);
    }
  }

  private final AwsClients clients;
  private final Clock clock;

  public FreshEvents(AwsClients clients, Clock clock) {
    this.clients = clients;
    this.clock = clock;
  }

  /** The CURRENT key's id and material from the local key table. */
  public Map.Entry<String, byte[]> currentKey(String table, String keySet) {
    try (var dynamo = clients.dynamoDb(); var kms = clients.kms()) {
      List<KeyRecord> keys = new KeyStore(dynamo, table).load(keySet);
      KeyRecord current = keys.stream().filter(k -> k.state() == KeyState.CURRENT).findFirst()
          .orElseThrow(() -> new IllegalStateException("no CURRENT key in " + table + " (key set " + keySet
              + "): bootstrap the key set first (events/key-rotation/bootstrap.json)"));
      byte[] material = new KeyMaterialCipher(kms, null).decrypt(keySet, current.kid(), current.encryptedMaterial());
      return Map.entry(current.kid(), material);
    }
  }

  /** Signs fresh copies of every event in {@code sourceDir}; returns the files written. */
  public List<Path> write(Path sourceDir, Options options) throws IOException {
    Map.Entry<String, byte[]> key = currentKey(options.keyTable(), options.keySet());
    List<Path> written = new ArrayList<>();
    Files.createDirectories(options.outDir());
    try (var files = Files.list(sourceDir)) {
      for (Path source : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
        ObjectNode event = (ObjectNode) MAPPER.readTree(source.toFile());
        refresh(event, key.getKey(), key.getValue(), options);
        Path out = options.outDir().resolve(source.getFileName());
        MAPPER.writeValue(out.toFile(), event);
        written.add(out);
      }
    }
    return written;
  }

  /** Puts a fresh assertion (and the bearer token, when given) into one event of any authorizer shape. */
  void refresh(ObjectNode event, String kid, byte[] key, Options o) {
    long now = clock.instant().getEpochSecond();
    String type = event.path("type").asText("");
    String method;
    String path;
    if ("TOKEN".equals(type)) {
      String[] arn = event.path("methodArn").asText().split("/", 4);
      method = arn[2];
      path = "/" + (arn.length > 3 ? arn[3] : "");
    } else if (event.has("routeKey") || "2.0".equals(event.path("version").asText())) {
      method = event.path("requestContext").path("http").path("method").asText("GET");
      String stage = event.path("requestContext").path("stage").asText("$default");
      path = event.path("rawPath").asText("/");
      if (!"$default".equals(stage) && path.startsWith("/" + stage + "/")) {
        path = path.substring(stage.length() + 1);
      }
    } else {
      method = event.path("httpMethod").asText("GET");
      path = event.path("path").asText("/");
    }
    // The event's own bearer token (as the edge would see it) unless another one is given.
    String bearer = o.bearer() != null ? o.bearer() : existingBearer(event);
    EdgeAssertionSigner.Claims claims = new EdgeAssertionSigner.Claims(o.issuer(), o.audience(), now,
        now + o.lifetimeSeconds(), "local-" + UUID.randomUUID(), method, path, bearer, o.sub(), o.scope(),
        o.sub() == null ? null : List.of("jwt"));
    String assertion = EdgeAssertionSigner.sign(kid, key, claims);
    String previous = headerValue(event, "x-edge-assertion");
    if ("TOKEN".equals(type)) {
      event.put("authorizationToken", assertion);
    } else {
      boolean lowerCase = event.has("routeKey") || "2.0".equals(event.path("version").asText());
      setHeader(event, lowerCase ? "x-edge-assertion" : "X-Edge-Assertion", assertion);
      if (o.bearer() != null) {
        setHeader(event, lowerCase ? "authorization" : "Authorization", "Bearer " + o.bearer());
      }
      if ("REQUEST".equals(type) && event.has("requestContext") && event.get("requestContext").isObject()) {
        ((ObjectNode) event.get("requestContext")).put("requestTimeEpoch", now * 1000);
      }
      if (event.get("identitySource") instanceof com.fasterxml.jackson.databind.node.ArrayNode sources) {
        for (int i = 0; i < sources.size(); i++) {
          if (sources.get(i).asText().equals(previous)) {
            sources.set(i, assertion);
          }
        }
      }
    }
  }

  /**
   * Writes copies of the log-ingest samples ({@code events/log-ingest/*.json}) whose records carry
   * current timestamps (CloudWatch Logs refuses events older than 14 days) and, for EdgeWorker
   * batches, a new {@code batchId}; gzip and base64 bodies are re-encoded the same way.
   */
  public List<Path> writeLogIngest(Path sourceDir, Path outDir) throws IOException {
    List<Path> written = new ArrayList<>();
    Files.createDirectories(outDir);
    long nowMillis = clock.millis();
    try (var files = Files.list(sourceDir)) {
      for (Path source : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
        ObjectNode event = (ObjectNode) MAPPER.readTree(source.toFile());
        boolean base64 = event.path("isBase64Encoded").asBoolean(false);
        byte[] body = base64 ? java.util.Base64.getDecoder().decode(event.path("body").asText())
            : event.path("body").asText().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        boolean gzip = body.length > 1 && (body[0] & 0xff) == 0x1f && (body[1] & 0xff) == 0x8b;
        if (gzip) {
          try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(body))) {
            body = in.readAllBytes();
          }
        }
        byte[] fresh = restamp(new String(body, java.nio.charset.StandardCharsets.UTF_8), nowMillis)
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (gzip) {
          var out = new java.io.ByteArrayOutputStream();
          try (var z = new java.util.zip.GZIPOutputStream(out)) {
            z.write(fresh);
          }
          fresh = out.toByteArray();
        }
        event.put("body", base64 ? java.util.Base64.getEncoder().encodeToString(fresh)
            : new String(fresh, java.nio.charset.StandardCharsets.UTF_8));
        Path out = outDir.resolve(source.getFileName());
        MAPPER.writeValue(out.toFile(), event);
        written.add(out);
      }
    }
    return written;
  }

  /** Moves every record's timestamp to now (keeping their order), in any of the three body shapes. */
  static String restamp(String body, long nowMillis) throws IOException {
    String trimmed = body.strip();
    if (trimmed.startsWith("{") && !trimmed.contains("\n")) {
      JsonNode root = MAPPER.readTree(trimmed);
      if (root.has("events") && root.get("events").isArray()) {
        ObjectNode batch = (ObjectNode) root;
        batch.put("batchId", UUID.randomUUID().toString());
        int i = 0;
        for (JsonNode e : batch.get("events")) {
          restampRecord((ObjectNode) e, nowMillis + i++);
        }
        return MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(batch);
      }
    }
    if (trimmed.startsWith("[")) {
      JsonNode array = MAPPER.readTree(trimmed);
      int i = 0;
      for (JsonNode e : array) {
        if (e instanceof ObjectNode o) {
          restampRecord(o, nowMillis + i++);
        }
      }
      return MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(array);
    }
    StringBuilder out = new StringBuilder();
    int i = 0;
    for (String line : body.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode record = MAPPER.readTree(line);
      if (record instanceof ObjectNode o) {
        restampRecord(o, nowMillis + i++);
      }
      out.append(MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(record)).append('\n');
    }
    return out.toString();
  }

  private static void restampRecord(ObjectNode record, long millis) {
    if (record.has("ts")) {
      record.put("ts", millis);
    }
    if (record.has("reqTimeSec")) {
      record.put("reqTimeSec", String.format(java.util.Locale.ROOT, "%d.%03d", millis / 1000, millis % 1000));
    }
    if (record.has("time")) {
      long nanos = millis * 1_000_000L;
      if (record.get("time").isTextual()) {
        record.put("time", Long.toString(nanos));
      } else {
        record.put("time", nanos);
      }
    }
  }

  private static String existingBearer(ObjectNode event) {
    String authorization = headerValue(event, "authorization");
    return authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
        ? authorization.substring(7).trim() : null;
  }

  private static String headerValue(ObjectNode event, String name) {
    JsonNode headers = event.get("headers");
    if (headers == null || !headers.isObject()) {
      return null;
    }
    var names = headers.fieldNames();
    while (names.hasNext()) {
      String n = names.next();
      if (n.equalsIgnoreCase(name)) {
        return headers.get(n).asText();
      }
    }
    return null;
  }

  private static void setHeader(ObjectNode event, String name, String value) {
    JsonNode headers = event.get("headers");
    ObjectNode h = headers instanceof ObjectNode o ? o : event.putObject("headers");
    List<String> existing = new ArrayList<>();
    h.fieldNames().forEachRemaining(existing::add);
    existing.stream().filter(n -> n.equalsIgnoreCase(name)).forEach(h::remove);
    h.put(name, value);
    JsonNode multi = event.get("multiValueHeaders");
    if (multi instanceof ObjectNode m) {
      List<String> names = new ArrayList<>();
      m.fieldNames().forEachRemaining(names::add);
      names.stream().filter(n -> n.equalsIgnoreCase(name)).forEach(m::remove);
      m.putArray(name).add(value);
    }
  }

  public static void main(String[] args) throws Exception {
    SamTemplate template = SamTemplate.load();
    Path project = SamTemplate.locate().getParent();
    Options o = Options.defaults(template, project.resolve("target/fresh-events/authorizer"));
    boolean realAws = false;
    boolean bearerGiven = false;
    for (int i = 0; i < args.length; i++) {
      String v = i + 1 < args.length ? args[i + 1] : null;
      if (args[i].equals("--aws")) {
        realAws = true;
        continue;
      }
      if (v == null) {
        usage();
      }
      switch (args[i]) {
        case "--out" -> o = new Options(Path.of(v), o.keyTable(), o.keySet(), o.issuer(), o.audience(), o.bearer(), o.sub(), o.scope(), o.lifetimeSeconds());
        case "--key-table" -> o = new Options(o.outDir(), v, o.keySet(), o.issuer(), o.audience(), o.bearer(), o.sub(), o.scope(), o.lifetimeSeconds());
        case "--key-set" -> o = new Options(o.outDir(), o.keyTable(), v, o.issuer(), o.audience(), o.bearer(), o.sub(), o.scope(), o.lifetimeSeconds());
        case "--issuer" -> o = new Options(o.outDir(), o.keyTable(), o.keySet(), v, o.audience(), o.bearer(), o.sub(), o.scope(), o.lifetimeSeconds());
        case "--audience" -> o = new Options(o.outDir(), o.keyTable(), o.keySet(), o.issuer(), v, o.bearer(), o.sub(), o.scope(), o.lifetimeSeconds());
        case "--bearer" -> {
          o = o.withBearer(v, o.sub(), o.scope());
          bearerGiven = true;
        }
        case "--sub" -> o = o.withBearer(o.bearer(), v, o.scope());
        case "--scope" -> o = o.withBearer(o.bearer(), o.sub(), v);
        default -> usage();
      }
      i++;
    }
    Map<String, String> env;
    java.util.Optional<LocalRunState> state = realAws ? java.util.Optional.empty() : LocalRunState.running(project);
    if (realAws) {
      env = System.getenv();
      System.err.println("fresh-events: --aws: the key table in real AWS, with this shell's credentials and region");
    } else if (state.isPresent()) {
      LocalRunState st = state.get();
      env = st.awsEnvironment();
      Map<String, String> p = st.parameters();
      o = new Options(o.outDir(), o.keyTable(), p.getOrDefault("KeySetName", o.keySet()),
          p.getOrDefault("EdgeIssuers", o.issuer()).split(",")[0].trim(), p.getOrDefault("EdgeAudience", o.audience()),
          o.bearer(), o.sub(), o.scope(), o.lifetimeSeconds());
      if (!bearerGiven && st.urls().containsKey("admin")) {
        o = withDemoUser(o, st.urls().get("admin"));
      }
      System.err.println("fresh-events: the keys of ./run-local (" + project.relativize(LocalRunState.file(project))
          + "): " + st.awsEndpoint());
    } else if (System.getenv("AWS_ENDPOINT_URL") != null && !System.getenv("AWS_ENDPOINT_URL").isBlank()) {
      env = new java.util.HashMap<>(System.getenv());
      env.putIfAbsent("AWS_REGION", "us-east-1");
      System.err.println("fresh-events: AWS_ENDPOINT_URL=" + env.get("AWS_ENDPOINT_URL"));
    } else {
      System.err.println("fresh-events: no local AWS is running: start ./run-local in another terminal first "
          + "(or pass --aws to read the key table in real AWS)");
      System.exit(2);
      return;
    }
    AwsSettings settings = AwsSettings.fromEnvironment(Env.of(env));
    if (!realAws && env.containsKey("AWS_ACCESS_KEY_ID")) {
      settings = new AwsSettings(settings.region(), settings.endpointOverride(),
          software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
              software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(env.get("AWS_ACCESS_KEY_ID"),
                  env.getOrDefault("AWS_SECRET_ACCESS_KEY", ""))));
    }
    FreshEvents writer = new FreshEvents(new AwsClients(settings), Clock.systemUTC());
    for (Path p : writer.write(project.resolve("events/authorizer"), o)) {
      System.out.println(project.relativize(p.toAbsolutePath()));
    }
    for (Path p : writer.writeLogIngest(project.resolve("events/log-ingest"), o.outDir().resolveSibling("log-ingest"))) {
      System.out.println(project.relativize(p.toAbsolutePath()));
    }
  }

  /** The local demo user's access token (from ./run-local's admin endpoint), its subject and scopes. */
  static Options withDemoUser(Options o, String adminUrl) throws IOException, InterruptedException {
    var http = java.net.http.HttpClient.newHttpClient();
    var response = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(adminUrl + "/token")).GET().build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("GET " + adminUrl + "/token answered " + response.statusCode());
    }
    String token = MAPPER.readTree(response.body()).path("access_token").asText();
    String[] parts = token.split("\\.");
    JsonNode claims = MAPPER.readTree(java.util.Base64.getUrlDecoder().decode(parts[1]));
    return o.withBearer(token, claims.path("sub").asText(null), claims.path("scope").asText(null));
  }

  private static void usage() {
    System.err.println("usage: fresh-events [--out DIR] [--key-table T] [--key-set S] [--issuer I] [--audience A]"
        + " [--bearer TOKEN] [--sub SUB] [--scope \"a b\"] [--aws]\n"
        + "  signs with the keys of a running ./run-local (local-run/state.json), else of AWS_ENDPOINT_URL;"
        + " --aws reads the key table in real AWS");
    System.exit(2);
  }
}
