package dev.edgeperimeter.local.stack;

import dev.edgeperimeter.local.LocalInvoke;
import dev.edgeperimeter.testsupport.MotoServer;
import dev.edgeperimeter.testsupport.SamTemplate;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The local stack's functions, configured as {@code bin/local-invoke} configures them: the
 * template's environment with the stack's parameters, moto as AWS, a log file each; the Java
 * functions in warm sandboxes behind the official runtime client (SnapStart hooks where the
 * template turns SnapStart on), the inline Node.js backend as a framed process.
 */
final class StackFunctions {
  private final SamTemplate template;
  private final MotoServer moto;
  private final Map<String, String> parameters;
  private final Path logDir;
  private final LocalInvoke invoker;

  StackFunctions(Path projectDir, SamTemplate template, MotoServer moto, Map<String, String> parameters, Path logDir) {
    this.template = template;
    this.moto = moto;
    this.parameters = parameters;
    this.logDir = logDir;
    this.invoker = new LocalInvoke(projectDir, template);
  }

  /** A Java function of the template in a warm sandbox (not started). */
  JavaFunction java(String logicalId) {
    LocalInvoke.Request request = invokeRequest(logicalId);
    // published versions of a SnapStart function are restored from a snapshot taken after the priming hooks
    boolean snapStart = invoker.snapStart(logicalId);
    return new JavaFunction(logicalId, () -> invoker.sandboxOptions(request, null, snapStart),
        LocalInvoke.functionArn(logicalId), Duration.ofSeconds(invoker.timeoutSeconds(logicalId)), Duration.ofSeconds(30),
        logDir.resolve(logicalId + ".log"));
  }

  /** A function of the template whose Node.js code is inline ({@code InlineCode}), not started. */
  FramedProcessFunction inlineNode(String logicalId) throws IOException {
    Map<String, Object> properties = template.properties(logicalId);
    Map<String, String> environment = invoker.functionEnvironment(invokeRequest(logicalId));
    return NodeInlineFunction.create(logicalId, String.valueOf(properties.get("InlineCode")),
        String.valueOf(properties.get("Handler")), environment, Duration.ofSeconds(invoker.timeoutSeconds(logicalId)),
        logDir.resolve(logicalId), logDir.resolve(logicalId + ".log"));
  }

  private LocalInvoke.Request invokeRequest(String logicalId) {
    Map<String, String> processEnv = new LinkedHashMap<>(moto.environment());
    for (String name : List.of("PATH", "HOME", "TMPDIR", "LANG")) {
      String value = System.getenv(name);
      if (value != null) {
        processEnv.put(name, value);
      }
    }
    Map<String, Map<String, String>> envVars = Map.of(
        "Parameters", Map.of("LOCAL_AWS_ENDPOINT_URL", moto.endpoint().toString()));
    return new LocalInvoke.Request(logicalId, null, envVars, parameters, processEnv);
  }
}
