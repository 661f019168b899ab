package dev.edgeperimeter.local.stack;

import dev.edgeperimeter.local.runtime.JavaSandbox;
import dev.edgeperimeter.local.runtime.LocalRuntimeApi;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * A Java function of the local stack: one warm execution environment ({@link JavaSandbox}: Lambda's
 * runtime client behind a local Runtime API) serving one invocation at a time (concurrent callers
 * queue). When the runtime dies or an invocation passes the function's timeout, the environment is
 * stopped and the next invocation starts a new one (a new cold start), as Lambda replaces a failed
 * environment. The function's logs are appended to {@link #logFile()}.
 */
public final class JavaFunction implements WarmFunction {
  private final String name;
  private final Supplier<JavaSandbox.Options> options;
  private final String functionArn;
  private final Duration timeout;
  private final Duration initAllowance;
  private final Path logFile;
  private JavaSandbox sandbox;
  private boolean closed;

  /**
   * @param name          logical id, for messages
   * @param options       how to start an environment (its output is replaced by {@code logFile})
   * @param functionArn   the ARN the runtime reports
   * @param timeout       the function's {@code Timeout}
   * @param initAllowance extra time allowed for an invocation that starts the environment
   * @param logFile       where the function's output goes (appended)
   */
  public JavaFunction(String name, Supplier<JavaSandbox.Options> options, String functionArn, Duration timeout,
      Duration initAllowance, Path logFile) {
    this.name = name;
    this.options = options;
    this.functionArn = functionArn;
    this.timeout = timeout;
    this.initAllowance = initAllowance;
    this.logFile = logFile;
  }

  public String name() {
    return name;
  }

  @Override
  public Path logFile() {
    return logFile;
  }

  /** Starts the environment now (the handler initialises at once, as in Lambda's init phase). */
  public synchronized JavaFunction start() {
    ensureStarted();
    return this;
  }

  /** The environment's process id, when running. */
  @Override
  public synchronized OptionalLong pid() {
    return sandbox != null && sandbox.isAlive() ? OptionalLong.of(sandbox.pid()) : OptionalLong.empty();
  }

  @Override
  public synchronized Invocation invoke(byte[] event) {
    if (closed) {
      return Invocation.failed("the local sandbox of " + name + " is shut down", "Sandbox.Closed");
    }
    boolean cold = sandbox == null || !sandbox.isAlive();
    try {
      ensureStarted();
    } catch (IllegalStateException e) {
      return Invocation.failed(e.getMessage(), "Runtime.ExitError");
    }
    LocalRuntimeApi.Outcome outcome = sandbox.invoke(event, timeout, cold ? initAllowance : Duration.ZERO);
    if (!sandbox.isAlive()) {
      sandbox.close();
      sandbox = null;
    }
    return new Invocation(outcome.failed(), outcome.payload());
  }

  private void ensureStarted() {
    if (sandbox != null && sandbox.isAlive()) {
      return;
    }
    if (sandbox != null) {
      sandbox.close();
    }
    try {
      Files.createDirectories(logFile.getParent());
      JavaSandbox.Options o = options.get();
      sandbox = JavaSandbox.start(new JavaSandbox.Options(o.taskRoot(), o.handler(), o.environment(), o.jvmOptions(),
          o.snapStart(), logFile.toFile()), functionArn);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the sandbox of " + name + ": " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (sandbox != null) {
      sandbox.close();
      sandbox = null;
    }
  }
}
