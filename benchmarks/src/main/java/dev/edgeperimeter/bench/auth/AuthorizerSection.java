package dev.edgeperimeter.bench.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgeperimeter.bench.BenchContext;
import dev.edgeperimeter.bench.JmhRunner;
import dev.edgeperimeter.bench.JmhRunner.Score;
import dev.edgeperimeter.bench.report.Row;
import dev.edgeperimeter.shared.json.JsonLimits;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Sections 1 and 2: the authorizer's hot paths against their JCA floors (JMH), and our user-token
 * verification against AWS's {@code aws-jwt-verify} on Node over the same RS256 tokens.
 */
public final class AuthorizerSection {
  static final String PEER = "aws-jwt-verify 5.2.1";

  private final BenchContext ctx;

  public AuthorizerSection(BenchContext ctx) {
    this.ctx = ctx;
  }

  public List<Row> run() throws Exception {
    Path fixtures = ctx.workDir().resolve("auth-fixtures.json");
    int tokens = ctx.pick(1024, 128);
    TokenFixtures.generate(tokens, 64).write(fixtures);
    BenchContext.log("authorizer: " + tokens + " RS256 + " + tokens + " ES256 tokens in " + fixtures);

    BenchContext.log("authorizer: JMH (" + (ctx.smoke() ? "in this JVM" : "fork 1") + "), log in " + ctx.workDir().resolve("jmh-AuthorizerBenchmarks.log") + " ...");
    Map<String, Score> s = ctx.jmh().run(AuthorizerBenchmarks.class, List.of(),
        List.of("-Dbench.fixtures=" + fixtures.toAbsolutePath(), "-Xms512m", "-Xmx512m",
            "--enable-native-access=ALL-UNNAMED")); // ACCP loads its native library

    List<Row> rows = new ArrayList<>();
    double edge = JmhRunner.micros(s.get("edgeMode"));
    double hmac = JmhRunner.micros(s.get("edgeFloorHmac"));
    double edgeRatio = Row.ratio(edge, hmac);
    rows.add(new Row("authorizer edge mode: REST REQUEST event to policy, log line and metric (keys cached)", edge,
        "µs/op", hmac, "bare JCA HmacSHA256", edgeRatio, "<= 25 µs", Row.verdict(edge <= 25),
        "the real pipeline: event parsed, steps 1-6, policy, Powertools log line + EMF document, response"));
    double jwt = JmhRunner.micros(s.get("edgeJwtCacheHit"));
    rows.add(new Row("authorizer edge+jwt: assertion + token cache hit + policy, log line and metric", jwt, "µs/op",
        hmac, "bare JCA HmacSHA256", Row.ratio(jwt, hmac), "<= 25 µs", Row.verdict(jwt <= 25), ""));
    double rs = JmhRunner.micros(s.get("rs256Full"));
    double rsFloor = JmhRunner.micros(s.get("rs256FloorAccp"));
    double rsRatio = Row.ratio(rs, rsFloor);
    rows.add(new Row("RS256 user token: full verify, fresh tokens, no cache (ACCP, the default)", rs, "µs/op", rsFloor,
        "bare SHA256withRSA on ACCP", rsRatio, "<= 1.5x floor", Row.verdict(rsRatio <= 1.5),
        "Nimbus DefaultJWTProcessor and the floor on the same provider (SIGNATURE_PROVIDER=accp)"));
    double rsJdk = JmhRunner.micros(s.get("rs256FullJdk"));
    double rsJdkFloor = JmhRunner.micros(s.get("rs256FloorJca"));
    double rsJdkRatio = Row.ratio(rsJdk, rsJdkFloor);
    rows.add(new Row("RS256 user token: full verify, fresh tokens, no cache (SIGNATURE_PROVIDER=jdk)", rsJdk,
        "µs/op", rsJdkFloor, "bare JCA SHA256withRSA (JDK)", rsJdkRatio, "<= 1.5x floor",
        Row.verdict(rsJdkRatio <= 1.5), ""));
    double es = JmhRunner.micros(s.get("es256Full"));
    double esFloor = JmhRunner.micros(s.get("es256FloorAccp"));
    rows.add(new Row("ES256 user token: full verify, fresh tokens, no cache (ACCP, the default)", es, "µs/op", esFloor,
        "bare SHA256withECDSA on ACCP", Row.ratio(es, esFloor), "", Row.Verdict.INFO, ""));
    double esJdk = JmhRunner.micros(s.get("es256FullJdk"));
    double esJdkFloor = JmhRunner.micros(s.get("es256FloorJca"));
    rows.add(new Row("ES256 user token: full verify, fresh tokens, no cache (SIGNATURE_PROVIDER=jdk)", esJdk, "µs/op",
        esJdkFloor, "bare JCA SHA256withECDSA (JDK)", Row.ratio(esJdk, esJdkFloor), "", Row.Verdict.INFO, ""));

    rows.addAll(peerRows(fixtures, tokens, s));
    return rows;
  }

  private List<Row> peerRows(Path fixtures, int tokens, Map<String, Score> s) throws Exception {
    double oursDistinct = opsPerSecond(s.get("peerModeDistinct"));
    double oursDistinctJdk = opsPerSecond(s.get("peerModeDistinctJdk"));
    String distinctJdkName = "RS256 distinct tokens, SIGNATURE_PROVIDER=jdk: ours vs " + PEER;
    double oursRepeated = opsPerSecond(s.get("peerModeRepeated"));
    String distinctName = "RS256 distinct tokens (" + tokens + " round-robin): ours vs " + PEER;
    String repeatedName = "RS256 repeated token: ours (cache hit) vs " + PEER;
    int iterations = ctx.pick(20_000, 1_000);
    Path script = ctx.projectDir().resolve("benchmarks/peer/verify-bench.mjs");
    Path module = ctx.projectDir().resolve("benchmarks/peer/node_modules/aws-jwt-verify");
    if (!Files.isDirectory(module)) {
      String why = "peer not installed: run npm install --no-save --prefix benchmarks/peer aws-jwt-verify@5.2.1";
      return List.of(
          new Row(distinctName, oursDistinct, "ops/s", Double.NaN, PEER, Double.NaN, ">= 1x peer",
              Row.Verdict.NOT_MEASURED, why),
          new Row(distinctJdkName, oursDistinctJdk, "ops/s", Double.NaN, PEER, Double.NaN, "",
              Row.Verdict.NOT_MEASURED, why),
          new Row(repeatedName, oursRepeated, "ops/s", Double.NaN, PEER, Double.NaN, ">= 10x peer",
              Row.Verdict.NOT_MEASURED, why));
    }
    BenchContext.log("peer: node " + script + " (" + iterations + " iterations per mode) ...");
    Process p = new ProcessBuilder("node", script.toString(), fixtures.toAbsolutePath().toString(),
        Integer.toString(iterations)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new IllegalStateException("peer benchmark failed (exit " + p.exitValue() + "): " + out);
    }
    JsonNode result = new ObjectMapper(JsonLimits.FACTORY).readTree(out.substring(out.lastIndexOf('\n') + 1));
    double peerDistinct = result.path("distinctOpsPerSec").asDouble(Double.NaN);
    double peerRepeated = result.path("repeatedOpsPerSec").asDouble(Double.NaN);
    String label = result.path("peer").asText(PEER) + " on Node " + result.path("node").asText();
    double distinctRatio = Row.ratio(oursDistinct, peerDistinct);
    double repeatedRatio = Row.ratio(oursRepeated, peerRepeated);
    String how = "ours: UserTokenVerifier in JMH (1 thread); peer: verifySync with a hydrated JWKS, "
        + iterations + " calls after " + Math.max(1, iterations / 4) + " warm-up; ratio = ours / peer";
    return List.of(
        new Row(distinctName, oursDistinct, "ops/s", peerDistinct, label, distinctRatio, ">= 1x peer (not behind)",
            Row.verdict(distinctRatio >= 1.0), how + "; ours on ACCP (the default, as in a warm container)"),
        new Row(distinctJdkName, oursDistinctJdk, "ops/s", peerDistinct, label, Row.ratio(oursDistinctJdk, peerDistinct),
            "", Row.Verdict.INFO, "the JDK's RSA (BigInteger) against Node's OpenSSL"),
        new Row(repeatedName, oursRepeated, "ops/s", peerRepeated, label, repeatedRatio, ">= 10x peer",
            Row.verdict(repeatedRatio >= 10.0), ""));
  }

  private static double opsPerSecond(Score s) {
    double micros = JmhRunner.micros(s);
    return Double.isNaN(micros) ? Double.NaN : 1_000_000.0 / micros;
  }
}
