package dev.edgeperimeter.bench.coldstart;

import com.nimbusds.jose.crypto.MACSigner;
import com.sun.net.httpserver.HttpServer;
import dev.edgeperimeter.bench.BenchContext;
import dev.edgeperimeter.bench.auth.TokenFixtures;
import dev.edgeperimeter.bench.report.Row;
import dev.edgeperimeter.local.FunctionArtifact;
import dev.edgeperimeter.local.LocalInvoke;
import dev.edgeperimeter.local.LocalNames;
import dev.edgeperimeter.local.runtime.JavaSandbox;
import dev.edgeperimeter.local.runtime.LocalRuntimeApi;
import dev.edgeperimeter.shared.keys.KeyMaterialCipher;
import dev.edgeperimeter.shared.keys.KeyRecord;
import dev.edgeperimeter.shared.keys.KeyState;
import dev.edgeperimeter.shared.keys.KeyTable;
import dev.edgeperimeter.testsupport.EdgeAssertionSigner;
import dev.edgeperimeter.testsupport.MotoServer;
import dev.edgeperimeter.testsupport.SamTemplate;
import dev.edgeperimeter.testsupport.TemplateResources;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.time.Duration;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * Section 3: cold start of the deployable authorizer on Lambda's path. Each run is a new execution
 * environment ({@link JavaSandbox}: a JVM running Lambda's own runtime client behind a local
 * Runtime API) on the function's layout (the unpacked {@code authorizer-fn.zip}) with the
 * template's environment, against moto (key table and KMS key created from template.yaml, a
 * CURRENT key written with {@link KeyMaterialCipher}) and a loopback JWKS server; the event is a
 * REST {@code REQUEST} event with a freshly signed assertion and user token. Timed: from just
 * before the JVM starts to the response arriving at the Runtime API. Beside it, the same harness
 * running {@link ConstantHandler} (the JVM + runtime floor). Then "first response after priming":
 * an environment started as SnapStart starts one ({@code AWS_LAMBDA_INITIALIZATION_TYPE=snap-start}:
 * the runtime client runs the {@code org.crac} {@code beforeCheckpoint} hooks after init, passes the
 * restore step, runs {@code afterRestore}), and its first invocation alone is timed, beside the
 * same first invocation of an environment started on demand.
 */
public final class ColdStartSection {
  static final String LOGICAL_ID = "AuthorizerFunction";

  private final BenchContext ctx;

  public ColdStartSection(BenchContext ctx) {
    this.ctx = ctx;
  }

  /** One cold run: wall time to the response line, and the response. */
  record Run(double millis, String response, double firstInvokeMillis, int restores) {
  }

  public List<Row> run() throws Exception {
    Path project = ctx.projectDir();
    Path layout = FunctionArtifact.layout(project, LOGICAL_ID);
    if (!Files.isDirectory(layout.resolve("dev/edgeperimeter/authorizer"))) {
      return List.of(Row.notMeasured("authorizer cold start", "ms", "",
          "the authorizer zip has no handler classes: " + layout));
    }
    int runs = ctx.pick(10, 1);
    TokenFixtures tokens = TokenFixtures.generate(runs * 5 + 2, 0);
    byte[] keyMaterial = new byte[32];
    new SecureRandom().nextBytes(keyMaterial);
    MACSigner mac = new MACSigner(keyMaterial);

    BenchContext.log("cold start: moto_server, key table and KMS key from template.yaml, JWKS on loopback ...");
    HttpServer jwks = HttpServer.create(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
    byte[] jwksBody = tokens.jwks().getBytes(StandardCharsets.UTF_8);
    jwks.createContext("/jwks.json", exchange -> {
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, jwksBody.length);
      exchange.getResponseBody().write(jwksBody);
      exchange.close();
    });
    jwks.start();
    try (MotoServer moto = MotoServer.start()) {
      Map<String, String> env = environment(moto, jwks.getAddress().getPort(), keyMaterial);
      Path floorRoot = Path.of(BenchContext.codeSource(ConstantHandler.class));
      // the handler as template.yaml names it, and the floor's named the same way: the runtime
      // client calls a handler class's RequestStreamHandler method directly, but a Class::method
      // handler through reflection (whose first call spins method-handle classes, JEP 416)
      String handler = env.get("_HANDLER");
      String floorHandler = ConstantHandler.class.getName() + (handler.contains("::") ? "::handleRequest" : "");

      // the floor JVM gets the same JVM options (the template's JAVA_TOOL_OPTIONS), nothing else
      Map<String, String> floorEnv = new HashMap<>();
      floorEnv.put("PATH", System.getenv().getOrDefault("PATH", ""));
      if (env.containsKey("JAVA_TOOL_OPTIONS")) {
        floorEnv.put("JAVA_TOOL_OPTIONS", env.get("JAVA_TOOL_OPTIONS"));
      }
      List<Double> cold = new ArrayList<>();
      List<Double> floor = new ArrayList<>();
      List<Double> primed = new ArrayList<>();
      List<Double> unprimed = new ArrayList<>();
      List<Double> primedFloor = new ArrayList<>();
      int restores = 0;
      int t = 0;
      for (int i = 0; i < runs; i++) {
        // interleaved, so drift on a shared machine hits both sides alike
        Run r = run(layout, handler, env, false, event(tokens, mac, t++));
        requireAllow(r, "cold start");
        cold.add(r.millis());
        Run f = run(floorRoot, floorHandler, floorEnv, false,
            event(tokens, mac, t++));
        floor.add(f.millis());
        Run p = run(layout, handler, env, true, event(tokens, mac, t++));
        requireAllow(p, "primed");
        primed.add(p.firstInvokeMillis());
        restores = p.restores();
        Run u = run(layout, handler, env, false, event(tokens, mac, t++));
        requireAllow(u, "unprimed");
        unprimed.add(u.firstInvokeMillis());
        Run pf = run(floorRoot, floorHandler, floorEnv, true,
            event(tokens, mac, t++));
        primedFloor.add(pf.firstInvokeMillis());
        BenchContext.log(String.format(Locale.ROOT, "cold start run %d/%d: %.0f ms (floor %.0f ms); first invoke "
            + "primed %.1f ms (constant handler %.1f ms), unprimed %.1f ms", i + 1, runs, r.millis(), f.millis(),
            p.firstInvokeMillis(), pf.firstInvokeMillis(), u.firstInvokeMillis()));
      }
      double coldMedian = median(cold);
      double floorMedian = median(floor);
      double ratio = coldMedian / floorMedian;
      String how = runs + " runs each, interleaved; new JVM per run (JAVA_TOOL_OPTIONS from template.yaml: "
          + env.getOrDefault("JAVA_TOOL_OPTIONS", "none") + "), aws-lambda-java-runtime-interface-client behind a "
          + "local Runtime API, process start to response";
      List<Row> rows = new ArrayList<>();
      rows.add(new Row("authorizer cold start to first response, median (no SnapStart)", coldMedian, "ms", floorMedian,
          "constant handler, same harness", ratio, "", Row.Verdict.INFO, how
          + "; REST REQUEST event, edge+jwt, keys in moto (DynamoDB + KMS), JWKS on loopback HTTP; loads the AWS SDK "
          + "(DynamoDB, KMS), Nimbus, Powertools and log4j, ACCP at init; previous figure: 135 ms (hand-written "
          + "AWS calls, JWKS reader and HMAC, no SDK/Nimbus/Powertools); with SnapStart this is paid before the "
          + "snapshot"));
      rows.add(new Row("authorizer cold start to first response, max", max(cold), "ms", max(floor),
          "constant handler, same harness", max(cold) / max(floor), "", Row.Verdict.INFO, ""));
      String primeNote = restores == 0
          ? "the runtime client did not pass SnapStart's restore step: nothing primed"
          : "snap-start init: the runtime client ran the org.crac hooks (beforeCheckpoint, restore step, afterRestore) "
              + "after handler init, then the first invocation timed (Runtime API hand-out to response); floor = the "
              + "constant handler started the same way: the runtime client's own first invocation after a restore";
      rows.add(new Row("authorizer first response after SnapStart-style priming, median", median(primed), "ms",
          median(primedFloor), "constant handler, same SnapStart-style start", median(primed) / median(primedFloor),
          "<= 10 ms", Row.verdict(median(primed) <= 10), primeNote));
      rows.add(new Row("authorizer first response after SnapStart-style priming, max", max(primed), "ms",
          max(primedFloor), "constant handler, same SnapStart-style start", max(primed) / max(primedFloor), "",
          Row.Verdict.INFO, ""));
      rows.add(new Row("authorizer first response of an on-demand environment (no SnapStart), median",
          median(unprimed), "ms", median(primed), "the same after priming", median(unprimed) / median(primed), "",
          Row.Verdict.INFO, "what priming saves: the first invocation after an on-demand init (handler built, "
              + "nothing primed), timed the same way"));
      return rows;
    } finally {
      jwks.stop(0);
    }
  }

  /** The template's environment for the function (as local invoke builds it), pointed at moto and the JWKS. */
  private Map<String, String> environment(MotoServer moto, int jwksPort, byte[] keyMaterial) {
    SamTemplate template = SamTemplate.load(ctx.projectDir().resolve("template.yaml"));
    TemplateResources resources = new TemplateResources(template, moto.clients());
    String table = resources.createTable("KeyTable", LocalNames.tableName("KeyTable"));
    String kmsKeyId = resources.createKmsKey("KeyMaterialKey");
    try (KmsClient kms = moto.clients().kms(); DynamoDbClient dynamo = moto.clients().dynamoDb()) {
      kms.createAlias(r -> r.aliasName(LocalNames.keyAlias()).targetKeyId(kmsKeyId));
      String keySet = KeyTable.DEFAULT_KEY_SET;
      byte[] ciphertext = new KeyMaterialCipher(kms, kmsKeyId).encrypt(keySet, TokenFixtures.EDGE_KID, keyMaterial);
      Instant now = Instant.now();
      KeyRecord current = new KeyRecord(keySet, TokenFixtures.EDGE_KID, KeyTable.ALG_HS256, KeyState.CURRENT, ciphertext,
          now.minusSeconds(3600), Optional.of(now.minusSeconds(3600)), Optional.empty(),
          now.plusSeconds(30L * 86_400).getEpochSecond(), Optional.empty(), 1);
      dynamo.putItem(r -> r.tableName(table).item(KeyTable.toItem(current)));
    }
    Map<String, String> process = new HashMap<>(moto.environment());
    process.put("PATH", System.getenv().getOrDefault("PATH", ""));
    Map<String, String> overrides = Map.of(
        "AuthMode", "edge+jwt",
        "EdgeIssuers", TokenFixtures.EDGE_ISSUER,
        "EdgeAudience", TokenFixtures.EDGE_AUDIENCE,
        "OidcIssuer", TokenFixtures.ISSUER,
        "OidcAudience", TokenFixtures.AUDIENCE,
        "OidcJwksUrl", "http://127.0.0.1:" + jwksPort + "/jwks.json");
    LocalInvoke invoker = new LocalInvoke(ctx.projectDir(), template);
    Map<String, String> env = new HashMap<>(invoker.functionEnvironment(
        new LocalInvoke.Request(LOGICAL_ID, null, Map.of(), overrides, process)));
    // SamTemplate.Resolver turns Fn::Join over a CommaDelimitedList parameter into "" (reported);
    // set the joined values as CloudFormation would
    env.put("EDGE_ISSUERS", TokenFixtures.EDGE_ISSUER);
    env.put("OIDC_AUDIENCE", TokenFixtures.AUDIENCE);
    env.put("POWERTOOLS_LOG_LEVEL", "WARN");
    // profiling knob, e.g. BENCH_COLDSTART_JAVA_OPTIONS='-Xlog:class+load:file=/tmp/cold-classes.txt'
    String profiling = System.getenv("BENCH_COLDSTART_JAVA_OPTIONS");
    if (profiling != null && !profiling.isBlank()) {
      env.merge("JAVA_TOOL_OPTIONS", profiling, (fromTemplate, extra) -> fromTemplate + " " + extra);
    }
    return env;
  }

  /** A REST API REQUEST authorizer event with a fresh assertion bound to user token {@code i}. */
  private Path event(TokenFixtures tokens, MACSigner mac, int i) throws Exception {
    String token = tokens.rs256Tokens().get(i);
    long now = Instant.now().getEpochSecond();
    String assertion = TokenFixtures.assertion(mac, now, "cold-" + i + "-" + now, "GET", "/orders/42",
        EdgeAssertionSigner.accessTokenHash(token), "user-" + i);
    String json = RestRequestEvent.json(assertion, token, now);
    Path file = ctx.workDir().resolve("coldstart-event-" + i + ".json");
    Files.writeString(file, json, StandardCharsets.UTF_8);
    return file;
  }

  /** One new execution environment, one invocation: times to the response, and the first invocation alone. */
  private Run run(Path taskRoot, String handler, Map<String, String> env, boolean snapStart, Path event)
      throws IOException {
    Path log = ctx.workDir().resolve("coldstart-last-stderr.log");
    Files.deleteIfExists(log);
    JavaSandbox.Options options = new JavaSandbox.Options(taskRoot, handler, env, List.of(), snapStart, log.toFile());
    try (JavaSandbox sandbox = JavaSandbox.start(options, LocalInvoke.functionArn(LOGICAL_ID))) {
      LocalRuntimeApi.Outcome outcome = sandbox.invoke(Files.readAllBytes(event), Duration.ofSeconds(6),
          Duration.ofSeconds(60));
      double millis = (System.nanoTime() - sandbox.startedNanos()) / 1e6;
      if (outcome.failed()) {
        throw new IllegalStateException(handler + " failed: " + outcome.text() + "; see " + log);
      }
      return new Run(millis, outcome.text(), outcome.handlerNanos() / 1e6, sandbox.restores());
    }
  }

  private void requireAllow(Run r, String what) {
    if (!r.response().contains("\"Allow\"")) {
      throw new IllegalStateException(what + ": the authorizer did not allow the benchmark request: "
          + r.response() + " (stderr: " + ctx.workDir().resolve("coldstart-last-stderr.log") + ")");
    }
  }

  static double median(List<Double> values) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }

  static double max(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
  }
}
