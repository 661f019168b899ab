package dev.edgeperimeter.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgeperimeter.local.runtime.JavaSandbox;
import dev.edgeperimeter.local.runtime.LocalRuntimeApi;
import dev.edgeperimeter.testsupport.MotoExtension;
import dev.edgeperimeter.testsupport.MotoServer;
import dev.edgeperimeter.testsupport.SamTemplate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a restored SnapStart authorizer does on its first request, read from the JVM's class-load
 * log rather than timed: the deployable zip, started as a SnapStart version starts (the runtime
 * client runs the {@code org.crac} hooks, then the restore step) with the template's environment and
 * {@code JAVA_TOOL_OPTIONS}, answers one fresh REST REQUEST event. Whatever class the JVM loads or
 * spins between the first invocation reaching the runtime client and its response is work that
 * priming left to the user's request. The first response after priming (docs/performance.md) is
 * the timed view of the same thing.
 */
@ExtendWith(MotoExtension.class)
class SnapStartFirstInvocationTest {
  private static final Path PROJECT = SamTemplate.locate().getParent();
  private static final Path EVENTS = PROJECT.resolve("events");
  /** Loaded by the runtime client when an invocation arrives: the first request starts here. */
  private static final String FIRST_INVOCATION = "com.amazonaws.services.lambda.runtime.api.client.api.LambdaContext ";

  private final MotoServer moto;
  private final LocalInvoke invoker = LocalInvoke.forProject();

  @TempDir
  Path scratch;

  SnapStartFirstInvocationTest(MotoServer moto) {
    this.moto = moto;
  }

  @Test
  @DisplayName("a restored authorizer's first request spins no reflection accessor and loads none of the code priming covers")
  void firstRequestAfterRestoreRunsPrimedCode() throws Exception {
    Map<String, String> processEnv = new HashMap<>(moto.environment());
    processEnv.put("PATH", System.getenv("PATH"));
    moto.reset();
    LocalResources.create(SamTemplate.load(), moto.clients());
    LocalInvoke.Result bootstrap = invoker.invoke(new LocalInvoke.Request("KeyRotationFunction",
        EVENTS.resolve("key-rotation/bootstrap.json"), Map.of("KeyRotationFunction", Map.of("EDGE_PUBLISHER", "none")),
        Map.of(), processEnv));
    assertThat(bootstrap.exitCode()).as(bootstrap.logs()).isZero();
    Path event = new FreshEvents(moto.clients(), Clock.systemUTC())
        .write(EVENTS.resolve("authorizer"), FreshEvents.Options.defaults(SamTemplate.load(), scratch.resolve("events")))
        .stream().filter(p -> p.getFileName().toString().equals("rest-request.json")).findFirst().orElseThrow();

    LocalInvoke.Request request = new LocalInvoke.Request("AuthorizerFunction", event, Map.of(),
        Map.of("AuthMode", "edge"), processEnv);
    assertThat(invoker.snapStart("AuthorizerFunction")).as("the template turns SnapStart on").isTrue();
    JavaSandbox.Options template = invoker.sandboxOptions(request, scratch.resolve("function.log").toFile(), true);
    assertThat(template.handler()).as("template.yaml names the handler class: the runtime client calls its "
        + "RequestStreamHandler method directly, a Class::method handler through reflection").doesNotContain("::");
    Path classes = scratch.resolve("classes.log");
    JavaSandbox.Options options = new JavaSandbox.Options(template.taskRoot(), template.handler(),
        template.environment(), List.of("-Xlog:class+load:file=\"" + classes + "\":uptime,tid"), true,
        template.output());

    List<String> loadedDuringFirstRequest;
    try (JavaSandbox sandbox = JavaSandbox.start(options, LocalInvoke.functionArn("AuthorizerFunction"))) {
      LocalRuntimeApi.Outcome outcome = sandbox.invoke(Files.readAllBytes(event), Duration.ofSeconds(6),
          Duration.ofSeconds(60));
      String logs = Files.readString(scratch.resolve("function.log"));
      assertThat(sandbox.restores()).as("the runtime client passed the restore step\n" + logs).isEqualTo(1);
      assertThat(outcome.text()).as(logs).contains("\"Allow\"");
      // read while the JVM still runs: what its shutdown loads is not the request's
      loadedDuringFirstRequest = afterFirstInvocation(Files.readAllLines(classes));
    }

    assertThat(loadedDuringFirstRequest).as("classes loaded by the first request after the restore")
        // JEP 416: a reflective call spins method-handle classes the first time; with a
        // Class::method handler the runtime client calls the handler that way (~9 ms here)
        .noneMatch(line -> line.contains("java.lang.invoke.LambdaForm$") || line.contains("BoundMethodHandle$Species"))
        // the pipeline, the verifiers, the SDK, Jackson, the log layout and the EMF sink are primed
        .noneMatch(line -> line.contains(" dev.edgeperimeter."))
        .noneMatch(line -> line.contains(" software.amazon.cloudwatchlogs.emf."))
        .noneMatch(line -> line.contains(" software.amazon.awssdk.services."))
        .noneMatch(line -> line.contains(" com.fasterxml.jackson."))
        .noneMatch(line -> line.contains(" com.nimbusds."))
        .noneMatch(line -> line.contains(" org.apache.logging.log4j.layout."));
  }

  /**
   * The class-load lines of the thread that runs the first invocation, from its arrival on (lines
   * look like {@code [2.165s][4242 ] java.lang.Object source: ...}: uptime, then the thread id,
   * padded to the widest id written so far).
   */
  private static List<String> afterFirstInvocation(List<String> lines) {
    List<String> after = new ArrayList<>();
    String thread = null;
    for (String line : lines) {
      if (thread == null && line.contains(FIRST_INVOCATION)) {
        thread = threadId(line);
      }
      if (thread != null && thread.equals(threadId(line))) {
        after.add(line);
      }
    }
    assertThat(thread).as("the runtime client's invocation context class (" + FIRST_INVOCATION.strip()
        + ") in the class-load log; a runtime client that no longer loads it needs a new marker").isNotNull();
    return after;
  }

  /** The second bracketed field of a class-load line, without its padding. */
  private static String threadId(String line) {
    int open = line.indexOf('[', line.indexOf(']') + 1);
    int close = open < 0 ? -1 : line.indexOf(']', open);
    return close < 0 ? "" : line.substring(open + 1, close).strip();
  }
}
