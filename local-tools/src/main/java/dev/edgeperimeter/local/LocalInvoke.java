package dev.edgeperimeter.local;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.edgeperimeter.local.runtime.JavaSandbox;
import dev.edgeperimeter.local.runtime.LocalRuntimeApi;
import dev.edgeperimeter.shared.json.JsonLimits;
import dev.edgeperimeter.testsupport.SamTemplate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.time.Duration;

/**
 * Docker-free {@code sam local invoke}: runs a function of {@code template.yaml} with a sample
 * event, in a fresh JVM (a cold start, as in a new Lambda sandbox), from the function's deployable
 * layout, with the {@code Handler}, {@code Timeout}, {@code MemorySize} and {@code Environment}
 * (Globals, then the function's own, parameter defaults and overrides applied) that the template
 * gives it. The response JSON is printed on stdout and the function's logs on stderr.
 *
 * <pre>
 * bin/local-invoke AuthorizerFunction -e events/authorizer/rest-request.json [-n env.json]
 *                  [--parameter-overrides "AuthMode=edge EdgeAudience=orders-api"] [-t template.yaml]
 *                  [--handler dev.edgeperimeter.authorizer.RestTokenAuthorizerHandler]
 * </pre>
 *
 * <p>{@code --handler} (not in SAM) runs another handler of the same artifact, such as the TOKEN or
 * HTTP API authorizer; with SAM, change the function's {@code Handler} in the template instead.
 *
 * <p>{@code -n} takes SAM's env-vars format: {@code {"Parameters": {...}, "<LogicalId>": {...}}};
 * as with SAM, only variables the template declares for the function are overridden. AWS
 * credentials, region and {@code AWS_ENDPOINT_URL} come from this process's environment.
 */
public final class LocalInvoke {

  /** What to invoke. */
  public record Request(
      String logicalId,
      Path eventFile,
      Map<String, Map<String, String>> envVars,
      Map<String, String> parameterOverrides,
      Map<String, String> processEnv,
      String handlerOverride) {

    public Request(String logicalId, Path eventFile, Map<String, Map<String, String>> envVars,
        Map<String, String> parameterOverrides, Map<String, String> processEnv) {
      this(logicalId, eventFile, envVars, parameterOverrides, processEnv, null);
    }

  }

  /** What came back: the response (or Lambda's error document) and the logs. */
  public record Result(int exitCode, String response, String logs) {
    public boolean failed() {
      return exitCode != 0;
    }
  }

  private static final List<String> PASSED_THROUGH = List.of(
      "PATH", "HOME", "TMPDIR", "LANG",
      "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION", "AWS_DEFAULT_REGION",
      "AWS_ENDPOINT_URL");

  private final Path projectDir;
  private final SamTemplate template;

  public LocalInvoke(Path projectDir, SamTemplate template) {
    this.projectDir = projectDir;
    this.template = template;
  }

  public static LocalInvoke forProject() {
    Path templatePath = SamTemplate.locate();
    return new LocalInvoke(templatePath.getParent(), SamTemplate.load(templatePath));
  }

  /** The environment the function gets: the template's, overridden as SAM would, plus Lambda's own. */
  public Map<String, String> functionEnvironment(Request request) {
    String id = request.logicalId();
    if (!"AWS::Serverless::Function".equals(template.type(id))) {
      throw new IllegalArgumentException(id + " is not an AWS::Serverless::Function");
    }
    SamTemplate.Resolver resolver = template.resolver(request.parameterOverrides(), LocalNames.physicalNames(template));
    Map<String, String> declared = template.functionEnvironment(id, resolver);
    Map<String, String> env = new LinkedHashMap<>();
    PASSED_THROUGH.forEach(name -> {
      String value = request.processEnv().get(name);
      if (value != null) {
        env.put(name, value);
      }
    });
    env.putIfAbsent("AWS_REGION", "us-east-1");
    env.putAll(declared);
    for (String scope : List.of("Parameters", id)) {
      request.envVars().getOrDefault(scope, Map.of()).forEach((name, value) -> {
        if (declared.containsKey(name)) {
          env.put(name, value);
        } else {
          System.err.println("local-invoke: " + name + " is not declared for " + id + " in the template; ignored (as SAM does)");
        }
      });
    }
    env.put("AWS_LAMBDA_FUNCTION_NAME", LocalNames.functionName(id));
    env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
    env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", String.valueOf(memoryMb(id)));
    env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + LocalNames.functionName(id));
    env.put("AWS_EXECUTION_ENV", "AWS_Lambda_java21");
    env.put("_HANDLER", request.handlerOverride() != null ? request.handlerOverride() : handler(id));
    return env;
  }

  public String handler(String logicalId) {
    return String.valueOf(template.functionProperty(logicalId, "Handler")
        .orElseThrow(() -> new IllegalArgumentException(logicalId + " has no Handler")));
  }

  int memoryMb(String logicalId) {
    return ((Number) template.functionProperty(logicalId, "MemorySize").orElse(128)).intValue();
  }

  /** The function's {@code Timeout} in the template (Lambda's default, 3 s, when it has none). */
  public int timeoutSeconds(String logicalId) {
    return ((Number) template.functionProperty(logicalId, "Timeout").orElse(3)).intValue();
  }

  /** Invokes the function once in a new execution environment (a cold start) and waits for it. */
  public Result invoke(Request request) throws IOException {
    return invoke(request, false);
  }

  /** Invokes once; with {@code snapStart} the SnapStart hooks run after init, as before a restored version's first invoke. */
  public Result invoke(Request request, boolean snapStart) throws IOException {
    String id = request.logicalId();
    Path logs = Files.createTempFile("local-invoke-", ".log");
    try {
      LocalRuntimeApi.Outcome outcome;
      try (JavaSandbox sandbox = JavaSandbox.start(sandboxOptions(request, logs.toFile(), snapStart),
          functionArn(id))) {
        outcome = sandbox.invoke(Files.readAllBytes(request.eventFile()), Duration.ofSeconds(timeoutSeconds(id)),
            Duration.ofSeconds(60));
      }
      return new Result(outcome.failed() ? 1 : 0, outcome.text().strip(), Files.readString(logs));
    } finally {
      Files.deleteIfExists(logs);
    }
  }

  /**
   * How to start an execution environment of the function (see {@link JavaSandbox}): its
   * deployable layout, handler and environment; {@code request.eventFile()} is not used.
   *
   * @param output    where the function's logs go ({@code null}: this process's stderr)
   * @param snapStart run the SnapStart hooks after init, as a restored SnapStart version has
   */
  public JavaSandbox.Options sandboxOptions(Request request, java.io.File output, boolean snapStart) {
    String id = request.logicalId();
    Path layout = FunctionArtifact.layout(projectDir, id);
    Map<String, String> env = functionEnvironment(request);
    return new JavaSandbox.Options(layout, env.get("_HANDLER"), env, List.of(), snapStart, output);
  }

  /** Whether the template turns SnapStart on for the function's published versions. */
  public boolean snapStart(String logicalId) {
    return template.functionProperty(logicalId, "SnapStart")
        .map(s -> String.valueOf(SamTemplate.map(s).get("ApplyOn")))
        .filter("PublishedVersions"::equals).isPresent();
  }

  /** The ARN the runtime reports as the invoked function. */
  public static String functionArn(String logicalId) {
    return "arn:aws:lambda:us-east-1:123456789012:function:" + LocalNames.functionName(logicalId);
  }

  /** Reads SAM's env-vars file: {@code {"Parameters": {"K": "v"}, "<LogicalId>": {"K": "v"}}}. */
  public static Map<String, Map<String, String>> readEnvVars(Path file) throws IOException {
    Map<String, Map<String, String>> scopes = new LinkedHashMap<>();
    try (JsonParser p = JsonLimits.FACTORY.createParser(Files.readAllBytes(file))) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException(file + ": expected a JSON object of objects");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String scope = p.currentName();
        if (p.nextToken() != JsonToken.START_OBJECT) {
          throw new IOException(file + ": \"" + scope + "\" must be an object of variables");
        }
        Map<String, String> vars = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          JsonToken value = p.nextToken();
          if (value.isStructStart()) {
            throw new IOException(file + ": " + scope + "." + name + " must be a string, number or boolean");
          }
          vars.put(name, value == JsonToken.VALUE_NULL ? "" : p.getText());
        }
        scopes.put(scope, vars);
      }
    }
    return scopes;
  }

  /** SAM's {@code --parameter-overrides}: {@code K=V K2=V2} or {@code ParameterKey=K,ParameterValue=V}. */
  public static Map<String, String> parseParameterOverrides(String text) {
    Map<String, String> out = new LinkedHashMap<>();
    if (text == null || text.isBlank()) {
      return out;
    }
    for (String token : text.trim().split("\\s+")) {
      if (token.startsWith("ParameterKey=")) {
        String[] kv = token.split(",", 2);
        out.put(kv[0].substring("ParameterKey=".length()), kv[1].substring("ParameterValue=".length()));
      } else {
        int eq = token.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException("parameter override '" + token + "' is not Name=Value");
        }
        out.put(token.substring(0, eq), token.substring(eq + 1));
      }
    }
    return out;
  }

  public static void main(String[] args) throws Exception {
    String logicalId = null;
    Path event = null;
    Path envVars = null;
    Path templatePath = null;
    String overrides = "";
    String handlerOverride = null;
    boolean realAws = false;
    boolean snapStart = false;
    String region = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "-e", "--event" -> event = Path.of(args[++i]);
        case "-n", "--env-vars" -> envVars = Path.of(args[++i]);
        case "-t", "--template" -> templatePath = Path.of(args[++i]);
        case "--parameter-overrides" -> overrides = args[++i];
        case "--handler" -> handlerOverride = args[++i];
        case "--aws" -> realAws = true;
        case "--snap-start" -> snapStart = true;
        case "--region" -> region = args[++i];
        case "-h", "--help" -> {
          usage();
          return;
        }
        default -> {
          if (args[i].startsWith("-") || logicalId != null) {
            usage();
            System.exit(2);
          }
          logicalId = args[i];
        }
      }
    }
    if (logicalId == null || event == null) {
      usage();
      System.exit(2);
    }
    if (!Files.isRegularFile(event)) {
      System.err.println("local-invoke: no event file " + event
          + (event.startsWith("target/fresh-events") ? " (write the fresh samples first: bin/fresh-events)" : ""));
      System.exit(2);
    }
    Path tpl = templatePath != null ? templatePath.toAbsolutePath() : SamTemplate.locate();
    Path project = tpl.getParent();
    Map<String, String> processEnv = new LinkedHashMap<>(System.getenv());
    Map<String, Map<String, String>> vars = new LinkedHashMap<>();
    Map<String, String> parameters = new LinkedHashMap<>();
    Optional<LocalRunState> state = realAws ? Optional.empty() : LocalRunState.running(project);
    if (realAws) {
      System.err.println("local-invoke: --aws: real AWS with this shell's credentials and region");
    } else if (state.isPresent()) {
      processEnv.putAll(state.get().awsEnvironment());
      vars.putAll(state.get().envVars());
      parameters.putAll(state.get().parameters());
      System.err.println("local-invoke: the local AWS and parameters of ./run-local (" + project.relativize(
          LocalRunState.file(project)) + "): " + state.get().awsEndpoint());
    } else if (System.getenv("AWS_ENDPOINT_URL") != null && !System.getenv("AWS_ENDPOINT_URL").isBlank()) {
      vars.put("Parameters", Map.of("LOCAL_AWS_ENDPOINT_URL", System.getenv("AWS_ENDPOINT_URL")));
      System.err.println("local-invoke: AWS_ENDPOINT_URL=" + System.getenv("AWS_ENDPOINT_URL"));
    } else {
      System.err.println("local-invoke: no local AWS is running: start ./run-local in another terminal first "
          + "(or pass --aws to use real AWS with this shell's credentials)");
      System.exit(2);
    }
    Optional<SampleEvents.Mapping> mapping = SampleEvents.load(project).of(event);
    if (mapping.isPresent()) {
      SampleEvents.Mapping m = mapping.get();
      if (!m.function().equals(logicalId)) {
        System.err.println("local-invoke: " + event + " is a " + m.function() + " event (" + m.source()
            + "), not one for " + logicalId);
        System.exit(2);
      }
      if (handlerOverride == null && m.handler().isPresent()) {
        handlerOverride = m.handler().get();
      }
      parameters.putAll(m.parameterOverrides());
      if (m.handler().isPresent() || !m.parameterOverrides().isEmpty()) {
        System.err.println("local-invoke: " + event.getFileName() + " is read by " + handlerOverride
            + (m.parameterOverrides().isEmpty() ? "" : " with " + m.parameterOverrides()) + " (" + m.source() + ")");
      }
    }
    if (region != null) {
      processEnv.put("AWS_REGION", region);
    }
    if (envVars != null) {
      readEnvVars(envVars).forEach((scope, values) -> vars.merge(scope, values, (a, b) -> {
        Map<String, String> merged = new LinkedHashMap<>(a);
        merged.putAll(b);
        return merged;
      }));
    }
    parameters.putAll(parseParameterOverrides(overrides));
    LocalInvoke invoker = new LocalInvoke(project, SamTemplate.load(tpl));
    Result result = invoker.invoke(new Request(logicalId, event, vars, parameters, processEnv, handlerOverride),
        snapStart);
    System.err.print(result.logs());
    System.out.println(result.response());
    System.exit(result.exitCode());
  }

  private static void usage() {
    System.err.println("""
        usage: local-invoke <FunctionLogicalId> -e <event.json> [-n <env-vars.json>]
                            [--parameter-overrides "Name=Value ..."] [-t template.yaml]
                            [--region R] [--handler Class] [--snap-start] [--aws]
        Runs the function like `sam local invoke`, without Docker, through Lambda's own Java runtime
        client: response on stdout, logs on stderr. Exit code 0 on a response, 1 when the function
        raised (its error document is printed as Lambda returns it), 2 on a usage error.
        The local AWS, resource names and parameters come from a running ./run-local
        (local-run/state.json), else from AWS_ENDPOINT_URL; --aws uses real AWS instead.
        events/events.json names the handler and parameters of each sample; flags win.
        --snap-start runs the SnapStart hooks (org.crac beforeCheckpoint, afterRestore) after init.""");
  }
}
