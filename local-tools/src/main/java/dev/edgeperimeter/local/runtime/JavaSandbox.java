package dev.edgeperimeter.local.runtime;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One Lambda execution environment of a Java function on this machine: a JVM running Lambda's own
 * runtime client ({@code com.amazonaws.services.lambda.runtime.api.client.AWSLambda} from
 * {@code aws-lambda-java-runtime-interface-client}) against a {@link LocalRuntimeApi}. The runtime
 * client does what it does in Lambda: loads the handler from {@code LAMBDA_TASK_ROOT} (the
 * function's deployable layout: classes and {@code lib/*.jar}) in its customer class loader,
 * resolves {@code Class::method}, (de)serializes events with Lambda's serializers, reports errors
 * with their {@code stackTrace}, and with {@link Options#snapStart()} runs the {@code org.crac}
 * hooks around SnapStart's restore step ({@code beforeCheckpoint}, restore, {@code afterRestore}).
 *
 * <p>Like one environment it serves one invocation at a time and stays warm between them.
 */
public final class JavaSandbox implements AutoCloseable {
  /** The runtime client's entry point, as Lambda's java21 bootstrap starts it. */
  public static final String RUNTIME_CLIENT = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";

  /**
   * How to start.
   *
   * @param taskRoot     the function's layout ({@code LAMBDA_TASK_ROOT})
   * @param handler      {@code Class::method} or {@code Class}
   * @param environment  the function's environment (the template's and Lambda's reserved variables)
   * @param jvmOptions   extra JVM options (before the main class)
   * @param snapStart    {@code AWS_LAMBDA_INITIALIZATION_TYPE=snap-start}: the priming hooks run after init
   * @param output       where the JVM's stdout and stderr (the function's logs) go; {@code null}: this process's stderr
   */
  public record Options(Path taskRoot, String handler, Map<String, String> environment, List<String> jvmOptions,
      boolean snapStart, File output) {
  }

  private final Options options;
  private final LocalRuntimeApi api;
  private final Process process;
  private final long startedNanos;

  private JavaSandbox(Options options, LocalRuntimeApi api, Process process, long startedNanos) {
    this.options = options;
    this.api = api;
    this.process = process;
    this.startedNanos = startedNanos;
  }

  /** The class path of the runtime client itself (its jar, aws-lambda-java-core, -serialization, utils-lite). */
  public static String runtimeClassPath() {
    return String.join(File.pathSeparator,
        codeSource(com.amazonaws.services.lambda.runtime.api.client.AWSLambda.class),
        codeSource(com.amazonaws.services.lambda.runtime.Context.class),
        codeSource(com.amazonaws.services.lambda.runtime.serialization.PojoSerializer.class),
        codeSource(software.amazon.awssdk.utilslite.SdkInternalThreadLocal.class));
  }

  /** The command line Lambda's bootstrap would run, with this machine's JDK. */
  public static List<String> command(Options options) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    if (Runtime.version().feature() >= 22) {
      // JDK 22+ warns when a jar loads a native library (the runtime client, ACCP); Lambda's java21 does not
      command.add("--enable-native-access=ALL-UNNAMED");
    }
    // org.crac forwards Core.getGlobalContext().register(...) to the runtime client's CRaC context
    command.add("-Dorg.crac.Core.Compat=com.amazonaws.services.lambda.crac");
    // the client would unpack its JNI library to the fixed /tmp/.libaws-lambda-jni.so, which JVMs
    // starting side by side overwrite under each other (SIGBUS); in Lambda there is one per sandbox
    NativeLibrary.path().ifPresent(lib -> command.add("-D" + NativeLibrary.PROPERTY + "=" + lib));
    command.addAll(options.jvmOptions());
    command.addAll(List.of("-cp", runtimeClassPath(), RUNTIME_CLIENT, options.handler()));
    return command;
  }

  /** Starts the environment's JVM; the handler initialises at once (Lambda's init phase). */
  public static JavaSandbox start(Options options, String functionArn) throws IOException {
    LocalRuntimeApi api = LocalRuntimeApi.start(functionArn);
    try {
      ProcessBuilder builder = new ProcessBuilder(command(options)).directory(options.taskRoot().toFile());
      builder.environment().clear();
      builder.environment().putAll(options.environment());
      builder.environment().put("AWS_LAMBDA_RUNTIME_API", api.address());
      builder.environment().put("LAMBDA_TASK_ROOT", options.taskRoot().toString());
      builder.environment().put("_HANDLER", options.handler());
      if (options.snapStart()) {
        builder.environment().put("AWS_LAMBDA_INITIALIZATION_TYPE", "snap-start");
      } else {
        builder.environment().putIfAbsent("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
      }
      if (options.output() != null) {
        builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(options.output()));
      }
      long t0 = System.nanoTime();
      Process process = builder.start();
      if (options.output() == null) {
        pump(process.getInputStream(), System.err);
        pump(process.getErrorStream(), System.err);
      }
      return new JavaSandbox(options, api, process, t0);
    } catch (IOException | RuntimeException e) {
      api.close();
      throw e;
    }
  }

  /** When {@link #start} launched the JVM ({@link System#nanoTime()}). */
  public long startedNanos() {
    return startedNanos;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Times the runtime went through SnapStart's restore step (1 after a snap-start init). */
  public int restores() {
    return api.restores();
  }

  /**
   * Invokes the function once and waits: at most {@code timeout} for the handler plus
   * {@code initAllowance} while the environment is still initialising. On a timeout or a dead
   * runtime the environment is stopped (the next {@link #start} is a new cold start), and the
   * outcome is Lambda's error for it.
   */
  public LocalRuntimeApi.Outcome invoke(byte[] event, Duration timeout, Duration initAllowance) {
    CompletableFuture<LocalRuntimeApi.Outcome> result = api.submit(event, timeout);
    long deadline = System.nanoTime() + timeout.plus(initAllowance).toNanos();
    while (true) {
      try {
        return result.get(50, TimeUnit.MILLISECONDS);
      } catch (TimeoutException notYet) {
        if (!process.isAlive()) {
          api.abandon(result);
          if (result.isDone()) {
            return result.join();
          }
          return failure("Runtime.ExitError", "Runtime exited with error: exit status " + process.exitValue());
        }
        if (System.nanoTime() > deadline) {
          api.abandon(result);
          close();
          return failure("Sandbox.Timedout", "Task timed out after " + timeout.toSeconds() + ".00 seconds");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        close();
        return failure("Runtime.ExitError", "interrupted");
      } catch (ExecutionException e) {
        return failure("Runtime.ExitError", String.valueOf(e.getCause()));
      }
    }
  }

  private static LocalRuntimeApi.Outcome failure(String type, String message) {
    String json = "{\"errorMessage\":\"" + message.replace("\\", "\\\\").replace("\"", "\\\"")
        + "\",\"errorType\":\"" + type + "\"}";
    return new LocalRuntimeApi.Outcome(LocalRuntimeApi.Outcome.Kind.FUNCTION_ERROR,
        json.getBytes(java.nio.charset.StandardCharsets.UTF_8), type, 0);
  }

  /** Stops the JVM and the runtime API. */
  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(3, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(3, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }
    api.close();
  }

  @Override
  public String toString() {
    return "JavaSandbox[" + options.handler() + ", pid " + process.pid() + "]";
  }

  /** The runtime client's JNI library, unpacked once per process into a directory of its own. */
  static final class NativeLibrary {
    static final String PROPERTY = "com.amazonaws.services.lambda.runtime.api.client.runtimeapi.NativeClient.JNI";
    private static java.util.Optional<String> path;

    private NativeLibrary() {
    }

    static synchronized java.util.Optional<String> path() {
      if (path == null) {
        path = unpack();
      }
      return path;
    }

    private static java.util.Optional<String> unpack() {
      String arch = System.getProperty("os.arch", "");
      String platform = arch.equals("aarch64") ? "aarch_64" : arch.equals("amd64") || arch.equals("x86_64") ? "x86_64" : null;
      if (platform == null || !System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
        return java.util.Optional.empty(); // let the client find its own
      }
      boolean musl = java.nio.file.Files.exists(Path.of("/lib/ld-musl-" + arch.replace("amd64", "x86_64") + ".so.1"));
      String name = "libaws-lambda-jni.linux" + (musl ? "_musl-" : "-") + platform + ".so";
      try (InputStream in = com.amazonaws.services.lambda.runtime.api.client.AWSLambda.class
          .getResourceAsStream("/jni/" + name)) {
        if (in == null) {
          return java.util.Optional.empty();
        }
        Path dir = java.nio.file.Files.createTempDirectory("lambda-runtime-client-");
        Path lib = dir.resolve(name);
        dir.toFile().deleteOnExit(); // deleted after the file: deleteOnExit runs in reverse order
        java.nio.file.Files.copy(in, lib);
        lib.toFile().deleteOnExit();
        return java.util.Optional.of(lib.toString());
      } catch (IOException e) {
        return java.util.Optional.empty();
      }
    }
  }

  private static void pump(InputStream in, OutputStream out) {
    Thread t = new Thread(() -> {
      try (in) {
        in.transferTo(out);
        out.flush();
      } catch (IOException ignored) {
        // the process ended
      }
    }, "sandbox-output");
    t.setDaemon(true);
    t.start();
  }

  private static String codeSource(Class<?> type) {
    try {
      return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (java.net.URISyntaxException e) {
      throw new UncheckedIOException(new IOException(e));
    }
  }
}
