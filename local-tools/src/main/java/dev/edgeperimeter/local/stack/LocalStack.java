package dev.edgeperimeter.local.stack;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.edgeperimeter.local.LocalNames;
import dev.edgeperimeter.local.LocalResources;
import dev.edgeperimeter.local.page.PerimeterPage;
import dev.edgeperimeter.local.page.PerimeterTimeline;
import dev.edgeperimeter.local.page.RollingBaseline;
import dev.edgeperimeter.shared.crypto.Base64Url;
import dev.edgeperimeter.shared.keys.KeyMaterialCipher;
import dev.edgeperimeter.shared.keys.KeyRecord;
import dev.edgeperimeter.shared.keys.KeyStore;
import dev.edgeperimeter.testsupport.MotoServer;
import dev.edgeperimeter.testsupport.SamTemplate;
import dev.edgeperimeter.testsupport.edgekv.EdgeKvStandIn;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilteredLogEvent;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The whole system on one machine, without an AWS account or Docker, in one command
 * ({@code ./run-local}) or in-process ({@link #start(Options)}, for tests):
 *
 * <ol>
 *   <li>moto, with the template's resources ({@code KeyTable}, {@code IngestLedgerTable},
 *       {@code EdgeLogGroup}, {@code KeyMaterialKey} + alias, {@code EdgePublishSecret}) under their
 *       {@link LocalNames} physical names, and a Cognito user pool with a demo user as OIDC issuer;</li>
 *   <li>the EdgeKV stand-in ({@link EdgeKvStandIn}, EdgeGrid-verified; unsigned reads allowed for
 *       the local edge), whose credentials and a fresh wrapping key are in the publish secret;</li>
 *   <li>warm sandboxes of the three Java functions (their real zips, run by Lambda's runtime client,
 *       {@link JavaFunction}) and of the template's inline Node.js backend, with the
 *       environments the template gives them; the keys are bootstrapped by the real
 *       key-rotation function, which publishes them to the stand-in;</li>
 *   <li>the local API gateway ({@link LocalApiGateway}) playing the template's {@code EdgeApi};</li>
 *   <li>the local edge ({@link LocalEdge}) in front of it;</li>
 *   <li>an admin endpoint ({@code /_local/...}): a fresh demo token, forced rotation, revocation,
 *       key status and the ingested edge logs.</li>
 * </ol>
 *
 * <p>{@link #close()} stops everything it started.
 */
public final class LocalStack implements AutoCloseable {
  /** The EdgeWorker id the local edge signs as ({@code iss} of the assertion). */
  public static final String EDGE_ISSUER = "akamai-edgeworker:1234567";
  private static final String API = "EdgeApi";

  /**
   * How to start.
   *
   * @param projectDir          the repository root (holds template.yaml)
   * @param gatewayPort         0: free port
   * @param edgePort            0: free port
   * @param adminPort           0: free port
   * @param edgeKvPort          0: free port
   * @param parameterOverrides  template parameters on top of the local defaults
   * @param authorizerCacheTtl  replaces the template's {@code AuthorizerCacheTtlSeconds}
   * @param verifyJwtAtEdge     {@code PMUSER_EP_VERIFY_JWT=on} (the JWKS is put into EdgeKV {@code edge-keys/jwks})
   * @param logDir              function and edge logs; empty: a new temporary directory
   * @param progress            start-up messages
   */
  public record Options(Path projectDir, int gatewayPort, int edgePort, int adminPort, int edgeKvPort,
      Map<String, String> parameterOverrides, Optional<Duration> authorizerCacheTtl, boolean verifyJwtAtEdge,
      Optional<Path> logDir, PrintStream progress) {

    public static Options defaults() {
      return new Options(SamTemplate.locate().getParent(), 0, 0, 0, 0, Map.of(), Optional.empty(), true,
          Optional.empty(), new PrintStream(java.io.OutputStream.nullOutputStream()));
    }

    public Options withParameterOverrides(Map<String, String> overrides) {
      return new Options(projectDir, gatewayPort, edgePort, adminPort, edgeKvPort, overrides, authorizerCacheTtl,
          verifyJwtAtEdge, logDir, progress);
    }

    public Options withProgress(PrintStream out) {
      return new Options(projectDir, gatewayPort, edgePort, adminPort, edgeKvPort, parameterOverrides,
          authorizerCacheTtl, verifyJwtAtEdge, logDir, out);
    }

    public Options withPorts(int gateway, int edge, int admin, int edgeKv) {
      return new Options(projectDir, gateway, edge, admin, edgeKv, parameterOverrides, authorizerCacheTtl,
          verifyJwtAtEdge, logDir, progress);
    }

    public Options withAuthorizerCacheTtl(Duration ttl) {
      return new Options(projectDir, gatewayPort, edgePort, adminPort, edgeKvPort, parameterOverrides,
          Optional.of(ttl), verifyJwtAtEdge, logDir, progress);
    }

    public Options withLogDir(Path dir) {
      return new Options(projectDir, gatewayPort, edgePort, adminPort, edgeKvPort, parameterOverrides,
          authorizerCacheTtl, verifyJwtAtEdge, Optional.of(dir), progress);
    }
  }

  private final Options options;
  private final List<AutoCloseable> started = new ArrayList<>();
  private final Map<String, Long> timings = new LinkedHashMap<>();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private SamTemplate template;
  private Path logDir;
  private MotoServer moto;
  private EdgeKvStandIn edgeKv;
  private DemoUserPool userPool;
  private String wrappingKey;
  private Map<String, String> parameters;
  private final Map<String, WarmFunction> sandboxes = new LinkedHashMap<>();
  private LocalApiGateway gateway;
  private LocalEdge edge;
  private HttpServer admin;
  private String bootstrapResult;
  private String bootstrapEventSource;
  private long startMillis;
  private String motoHost = "127.0.0.1";
  private int motoPort;

  private LocalStack(Options options) {
    this.options = options;
  }

  /** Starts everything; on failure stops what was started and rethrows. */
  public static LocalStack start(Options options) throws IOException {
    return start(options, "127.0.0.1", 0);
  }

  /**
   * Starts everything, moto bound to {@code motoHost} on {@code motoPort} (0: a free port), e.g.
   * {@code 0.0.0.0} and 5000 for {@code sam local invoke} in Docker; on failure stops what was
   * started and rethrows.
   */
  public static LocalStack start(Options options, String motoHost, int motoPort) throws IOException {
    LocalStack stack = new LocalStack(options);
    stack.motoHost = motoHost;
    stack.motoPort = motoPort;
    try {
      stack.startAll();
      return stack;
    } catch (IOException | RuntimeException e) {
      stack.close();
      throw e;
    }
  }

  private void phase(String name, long since) {
    timings.put(name, (System.nanoTime() - since) / 1_000_000);
  }

  private void startAll() throws IOException {
    long t0 = System.nanoTime();
    PrintStream out = options.progress();
    template = SamTemplate.load(options.projectDir().resolve("template.yaml"));
    logDir = options.logDir().isPresent() ? options.logDir().get()
        : Files.createTempDirectory("edge-perimeter-local-");
    Files.createDirectories(logDir);

    long t = System.nanoTime();
    out.println("starting moto_server (local AWS) on " + motoHost + (motoPort > 0 ? ":" + motoPort : "") + " ...");
    moto = MotoServer.start(motoHost, motoPort);
    started.add(moto);
    phase("moto", t);

    t = System.nanoTime();
    edgeKv = EdgeKvStandIn.builder().allowEdgeReads(true).port(options.edgeKvPort()).build().start();
    started.add(edgeKv);
    phase("edgekv", t);

    t = System.nanoTime();
    out.println("creating the template's resources in moto ...");
    createResources();
    phase("resources", t);

    t = System.nanoTime();
    parameters = new LinkedHashMap<>();
    parameters.put("AuthMode", "edge+jwt");
    parameters.put("OidcIssuer", userPool.issuer());
    parameters.put("OidcAudience", userPool.clientId());
    parameters.put("OidcJwksUrl", userPool.jwksUrl());
    parameters.put("OidcTokenUse", "access");
    parameters.put("EdgeIssuers", EDGE_ISSUER);
    parameters.put("EdgeAudience", template.parameterDefaults().getOrDefault("EdgeAudience", "orders-api"));
    parameters.put("EdgePublisher", "edgekv");
    parameters.put("EdgeKvNetworks", "staging");
    parameters.putAll(options.parameterOverrides());

    out.println("starting the function sandboxes (Lambda's Java runtime client, SnapStart hooks) ...");
    StackFunctions functions = new StackFunctions(options.projectDir(), template, moto, parameters, logDir);
    for (String fn : List.of("KeyRotationFunction", "AuthorizerFunction", "LogIngestFunction")) {
      sandboxes.put(fn, functions.java(fn).start());
    }
    sandboxes.put("ExampleBackendFunction", functions.inlineNode("ExampleBackendFunction").start());
    phase("sandboxes", t);

    t = System.nanoTime();
    out.println("bootstrapping the key set with KeyRotationFunction ...");
    BootstrapEvent bootstrap = BootstrapEvent.read(options.projectDir());
    bootstrapEventSource = bootstrap.source();
    FunctionInvoker.Invocation result = sandboxes.get("KeyRotationFunction").invoke(bootstrap.bytes());
    if (result.error()) {
      throw new IOException("KeyRotationFunction failed to bootstrap the key set: " + result.text()
          + " (log: " + sandboxes.get("KeyRotationFunction").logFile() + ")");
    }
    bootstrapResult = result.text();
    phase("bootstrap", t);

    t = System.nanoTime();
    RestApiDefinition api = RestApiDefinition.read(template, API, resolver());
    Map<String, FunctionInvoker> invokers = new LinkedHashMap<>(sandboxes);
    PrintStream access = new PrintStream(Files.newOutputStream(logDir.resolve("api-gateway-access.log")), true,
        StandardCharsets.UTF_8);
    gateway = new LocalApiGateway(api, invokers, new LocalApiGateway.Options(options.gatewayPort(),
        options.authorizerCacheTtl(), access::println)).start();
    started.add(gateway);
    started.add(access);
    phase("gateway", t);

    t = System.nanoTime();
    out.println("starting the local edge ...");
    Map<String, String> edgeEnv = new LinkedHashMap<>();
    edgeEnv.put("UPSTREAM_URL", gateway.stageUrl());
    edgeEnv.put("EDGEKV_URL", edgeKv.baseUrl());
    edgeEnv.put("PMUSER_EP_OIDC_ISSUER", userPool.issuer());
    edgeEnv.put("PMUSER_EP_OIDC_AUDIENCE", userPool.clientId());
    edgeEnv.put("PMUSER_EP_TOKEN_USE", "access");
    edgeEnv.put("PMUSER_EP_EDGE_ISSUER", parameters.get("EdgeIssuers").split(",")[0].trim());
    edgeEnv.put("PMUSER_EP_API_AUDIENCE", parameters.get("EdgeAudience"));
    edgeEnv.put("PMUSER_EP_EDGEKV_NAMESPACE", resolver().resolve(Map.of("Ref", "EdgeKvNamespace")));
    edgeEnv.put("PMUSER_EP_VERIFY_JWT", options.verifyJwtAtEdge() ? "on" : "off");
    edgeEnv.put("PMUSER_EDGE_WRAP_KEY", wrappingKey);
    edge = LocalEdge.start(options.projectDir().resolve("edgeworker"), edgeEnv, options.edgePort(),
        logDir.resolve("edge.log"), Duration.ofSeconds(30));
    started.add(edge);
    phase("edge", t);

    startAdmin();
    timings.put("total", (System.nanoTime() - t0) / 1_000_000);
    startMillis = System.currentTimeMillis();
  }

  private SamTemplate.Resolver resolver() {
    return template.resolver(parameters, LocalNames.physicalNames(template));
  }

  private void createResources() throws IOException {
    LocalResources.create(template, moto.clients());
    byte[] wrap = new byte[32];
    new SecureRandom().nextBytes(wrap);
    wrappingKey = Base64Url.encode(wrap);
    ObjectNode secret = JsonNodeFactory.instance.objectNode();
    secret.put("host", edgeKv.baseUrl());
    secret.put("client_token", edgeKv.credentials().clientToken());
    secret.put("client_secret", edgeKv.credentials().clientSecret());
    secret.put("access_token", edgeKv.credentials().accessToken());
    secret.put("wrapping_key", wrappingKey);
    try (SecretsManagerClient sm = moto.clients().configure(SecretsManagerClient.builder())
        .httpClient(moto.clients().httpClient()).build()) {
      sm.createSecret(r -> r.name(LocalNames.publishSecretName()).kmsKeyId(LocalNames.keyAlias())
          .secretString(Json.text(secret)));
    }
    userPool = DemoUserPool.create(moto.clients(), moto.endpoint(), LocalNames.STACK_NAME + "-users");
    started.add(userPool);
    if (options.verifyJwtAtEdge()) {
      HttpResponse<String> jwks = send(HttpRequest.newBuilder(URI.create(userPool.jwksUrl())).GET().build());
      if (jwks.statusCode() != 200) {
        throw new IOException("moto did not serve the user pool's JWKS (" + jwks.statusCode() + ")");
      }
      String namespace = template.parameterDefaults().getOrDefault("EdgeKvNamespace", "edge-perimeter");
      String ns = options.parameterOverrides().getOrDefault("EdgeKvNamespace", namespace);
      edgeKv.putItem("staging", ns, "edge-keys", "jwks", jwks.body());
    }
  }

  private HttpResponse<String> send(HttpRequest request) throws IOException {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  // ------------------------------------------------------------------ API for tools and tests

  public String gatewayUrl() {
    return gateway.stageUrl();
  }

  public String edgeUrl() {
    return edge.url();
  }

  /** The local page: one timeline, counters per reason, the key set and the anomaly flag. */
  public String pageUrl() {
    return "http://127.0.0.1:" + admin.getAddress().getPort() + PerimeterPage.PATH;
  }

  public String adminUrl() {
    return "http://127.0.0.1:" + admin.getAddress().getPort() + "/_local";
  }

  public LocalApiGateway gateway() {
    return gateway;
  }

  public MotoServer moto() {
    return moto;
  }

  public EdgeKvStandIn edgeKv() {
    return edgeKv;
  }

  public DemoUserPool userPool() {
    return userPool;
  }

  public Path logDir() {
    return logDir;
  }

  /** The template parameter values the functions run with. */
  public Map<String, String> parameters() {
    return Map.copyOf(parameters);
  }

  public String bootstrapResult() {
    return bootstrapResult;
  }

  /** Invokes a function of the stack (its warm sandbox) with an event. */
  public FunctionInvoker.Invocation invoke(String logicalId, String eventJson) {
    WarmFunction fn = sandboxes.get(logicalId);
    if (fn == null) {
      throw new IllegalArgumentException("no function " + logicalId + " in the local stack");
    }
    return fn.invoke(eventJson.getBytes(StandardCharsets.UTF_8));
  }

  /** Forces a key rotation ({@code {"action":"rotate","force":true}}). */
  public FunctionInvoker.Invocation rotate() {
    return invoke("KeyRotationFunction", "{\"action\":\"rotate\",\"force\":true,\"operator\":\"local-stack\"}");
  }

  /** Revokes a key. */
  public FunctionInvoker.Invocation revoke(String kid) {
    return invoke("KeyRotationFunction", "{\"action\":\"revoke\",\"kid\":" + Json.quote(kid)
        + ",\"reason\":\"local-stack\",\"operator\":\"local-stack\"}");
  }

  /** The key set as stored in DynamoDB (material still encrypted). */
  public List<KeyRecord> keys() {
    try (DynamoDbClient dynamo = moto.clients().dynamoDb()) {
      return new KeyStore(dynamo, LocalNames.tableName("KeyTable")).load(keySet());
    }
  }

  /** Decrypts a key's material with KMS (tests sign assertions with it). */
  public byte[] keyMaterial(KeyRecord key) {
    try (KmsClient kms = moto.clients().kms()) {
      return new KeyMaterialCipher(kms, LocalNames.keyAlias()).decrypt(keySet(), key.kid(), key.encryptedMaterial());
    }
  }

  public String keySet() {
    return resolver().resolve(Map.of("Ref", "KeySetName"));
  }

  /** The messages stored in the edge log group (local CloudWatch Logs). */
  public List<String> edgeLogMessages() {
    try (CloudWatchLogsClient logs = moto.clients().configure(CloudWatchLogsClient.builder())
        .httpClient(moto.clients().httpClient()).build()) {
      List<String> messages = new ArrayList<>();
      for (var page : logs.filterLogEventsPaginator(r -> r.logGroupName(LocalNames.edgeLogGroup()))) {
        for (FilteredLogEvent e : page.events()) {
          messages.add(e.message());
        }
      }
      return messages;
    }
  }

  // ------------------------------------------------------------------ admin endpoint

  private void startAdmin() throws IOException {
    admin = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), options.adminPort()), 16);
    admin.createContext("/_local", new LocalAdmin(this));
    admin.createContext(PerimeterPage.PATH, new PerimeterPage(new PerimeterTimeline(new PerimeterTimeline.Sources(
        logDir.resolve("edge.log"), sandboxes.get("AuthorizerFunction").logFile(),
        logDir.resolve("api-gateway-access.log"), this::edgeLogMessages), java.time.Clock.systemUTC(),
        RollingBaseline.localDefaults()), this::keys, keySet()));
    admin.start();
    started.add(() -> admin.stop(0));
  }

  // ------------------------------------------------------------------ description

  /** What runs where, and copy-paste commands to try it. */
  public String describe() {
    String token = userPool.accessToken();
    String edgeUrl = edge.url();
    String gw = gateway.stageUrl();
    String adminUrl = adminUrl();
    String assertionHeader = gateway.api().authorizer().map(a -> a.identityHeaders().get(0)).orElse("X-Edge-Assertion");
    StringBuilder b = new StringBuilder();
    b.append("edge-perimeter local stack\n\n");
    b.append(String.format(Locale.ROOT, "  %-22s %s%n", "edge (EdgeWorker)", edgeUrl + "   (node, pid " + edge.pid() + ")"));
    b.append(String.format(Locale.ROOT, "  %-22s %s%n", "API gateway (stage)", gw + "   (api id " + gateway.apiId() + ")"));
    b.append(String.format(Locale.ROOT, "  %-22s %s%n", "EdgeKV stand-in", edgeKv.baseUrl()));
    b.append(String.format(Locale.ROOT, "  %-22s %s%n", "moto (AWS)", moto.endpoint()));
    b.append(String.format(Locale.ROOT, "  %-22s %s%n", "admin", adminUrl));
    b.append(String.format(Locale.ROOT, "  %-22s %s%n", "perimeter page", pageUrl()));
    b.append(String.format(Locale.ROOT, "  %-22s %s%n", "OIDC issuer", userPool.issuer()));
    b.append(String.format(Locale.ROOT, "  %-22s %s%n", "app client id", userPool.clientId()));
    b.append(String.format(Locale.ROOT, "  %-22s %s%n", "logs", logDir));
    sandboxes.forEach((id, fn) -> b.append(String.format(Locale.ROOT, "  %-22s %s%n", id,
        "warm sandbox pid " + fn.pid().stream().mapToObj(Long::toString).findFirst().orElse("-") + ", log "
            + fn.logFile().getFileName())));
    b.append(String.format(Locale.ROOT, "  %-22s %s%n", "route policy",
        "policy/routes.yaml (compiled into the authorizer's zip and the EdgeWorker; bin/policy explain ...)"));
    b.append(String.format(Locale.ROOT, "  %-22s %s%n", "bootstrap event", bootstrapEventSource));
    StringBuilder phases = new StringBuilder();
    timings.forEach((phase, ms) -> {
      if (!phase.equals("total")) {
        phases.append(phases.isEmpty() ? "" : ", ").append(phase).append(' ').append(ms);
      }
    });
    b.append(String.format(Locale.ROOT, "  %-22s %d ms (%s)%n", "started in", timings.getOrDefault("total", 0L),
        phases));
    b.append(TryIt.commands(token, edgeUrl, gw, adminUrl, pageUrl(), assertionHeader));
    return b.toString();
  }

  /** An EdgeWorker log batch (contract section 3) with a fresh batch id. */
  public static String sampleLogBatch() {
    return "{\"v\":1,\"source\":\"edgeworker\",\"batchId\":\"" + java.util.UUID.randomUUID() + "\",\"events\":[{\"ts\":"
        + System.currentTimeMillis() + ",\"reqId\":\"local-demo-1\",\"level\":\"info\",\"msg\":\"hello from the local edge\","
        + "\"ew\":{\"id\":1234567,\"version\":\"1.0.0\",\"handler\":\"onClientRequest\"},\"attrs\":{\"demo\":\"yes\"}}]}";
  }

  @Override
  public void close() {
    List<AutoCloseable> toClose = new ArrayList<>(started);
    toClose.addAll(0, sandboxes.values());
    java.util.Collections.reverse(toClose);
    // the edge and the sandboxes first (they use the rest), moto last
    toClose.sort((a, b) -> Integer.compare(order(a), order(b)));
    for (AutoCloseable c : toClose) {
      try {
        c.close();
      } catch (Exception e) {
        System.err.println("local stack: stopping " + c + " failed: " + e.getMessage());
      }
    }
    started.clear();
    sandboxes.clear();
  }

  private static int order(AutoCloseable c) {
    if (c instanceof LocalEdge) {
      return 0;
    }
    if (c instanceof LocalApiGateway) {
      return 1;
    }
    if (c instanceof WarmFunction) {
      return 2;
    }
    if (c instanceof MotoServer) {
      return 9;
    }
    return 5;
  }
}
