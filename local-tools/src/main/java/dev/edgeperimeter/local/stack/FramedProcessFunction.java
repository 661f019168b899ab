package dev.edgeperimeter.local.stack;

import dev.edgeperimeter.testsupport.LocalProcesses;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * A warm sandbox: one long-lived process serving invocations framed on its stdin/stdout, as the
 * Node.js wrapper of {@link NodeInlineFunction} does:
 * request {@code <length>\n<bytes>}, response {@code <ok|error> <length>\n<bytes>}.
 *
 * <p>Like one Lambda execution environment it serves one invocation at a time (concurrent callers
 * queue). The process starts on {@link #start()} or the first invocation; when it dies or an
 * invocation passes the function's timeout, it is killed and the next invocation starts a fresh
 * one (a new cold start), as Lambda replaces a failed environment. The function's own output
 * (stderr) is appended to {@link #logFile()}.
 */
public final class FramedProcessFunction implements WarmFunction {
  private static final int MAX_RESPONSE_BYTES = 6 * 1024 * 1024 + 1024;

  private final String name;
  private final Supplier<ProcessBuilder> processBuilder;
  private final Duration timeout;
  private final Duration coldStartAllowance;
  private final Path logFile;
  private final ExecutorService reader;
  private Process process;
  private InputStream stdout;
  private OutputStream stdin;
  private boolean closed;

  /**
   * @param name               logical id, for messages
   * @param processBuilder     builds the sandbox process (its stdout and stdin are taken over)
   * @param timeout            the function's {@code Timeout}
   * @param coldStartAllowance extra time allowed for an invocation that starts the process
   * @param logFile            where the function's stderr goes (appended)
   */
  public FramedProcessFunction(String name, Supplier<ProcessBuilder> processBuilder, Duration timeout,
      Duration coldStartAllowance, Path logFile) {
    this.name = name;
    this.processBuilder = processBuilder;
    this.timeout = timeout;
    this.coldStartAllowance = coldStartAllowance;
    this.logFile = logFile;
    this.reader = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "sandbox-" + name);
      t.setDaemon(true);
      return t;
    });
  }

  public String name() {
    return name;
  }

  @Override
  public Path logFile() {
    return logFile;
  }

  /** Starts the sandbox process now (it still has to load the handler on the first invocation). */
  public synchronized FramedProcessFunction start() {
    ensureStarted();
    return this;
  }

  /** The sandbox's process id, when running. */
  @Override
  public synchronized java.util.OptionalLong pid() {
    return process != null && process.isAlive() ? java.util.OptionalLong.of(process.pid())
        : java.util.OptionalLong.empty();
  }

  @Override
  public synchronized Invocation invoke(byte[] event) {
    if (closed) {
      return Invocation.failed("the local sandbox of " + name + " is shut down", "Sandbox.Closed");
    }
    boolean cold = process == null || !process.isAlive();
    try {
      ensureStarted();
      stdin.write((event.length + "\n").getBytes(StandardCharsets.US_ASCII));
      stdin.write(event);
      stdin.flush();
    } catch (IOException | RuntimeException e) {
      kill();
      return Invocation.failed("could not start or reach the sandbox of " + name + ": " + e.getMessage()
          + " (see " + logFile + ")", "Runtime.ExitError");
    }
    Duration limit = cold ? timeout.plus(coldStartAllowance) : timeout;
    Future<Invocation> response = reader.submit(this::readResponse);
    try {
      return response.get(limit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      response.cancel(true);
      kill();
      return Invocation.failed("Task timed out after " + timeout.toSeconds() + ".00 seconds", "Sandbox.Timedout");
    } catch (ExecutionException e) {
      kill();
      return Invocation.failed("Runtime exited without providing a reason (" + e.getCause().getMessage()
          + "; see " + logFile + ")", "Runtime.ExitError");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill();
      return Invocation.failed("interrupted", "Runtime.ExitError");
    }
  }

  private Invocation readResponse() throws IOException {
    String header = readLine(stdout);
    if (header == null) {
      throw new IOException("the sandbox exited");
    }
    String[] parts = header.trim().split(" ");
    if (parts.length != 2 || !(parts[0].equals("ok") || parts[0].equals("error"))) {
      throw new IOException("unexpected frame header from the sandbox");
    }
    int length = Integer.parseInt(parts[1]);
    if (length < 0 || length > MAX_RESPONSE_BYTES) {
      throw new IOException("response of " + length + " bytes is over Lambda's 6 MB limit");
    }
    byte[] payload = stdout.readNBytes(length);
    if (payload.length != length) {
      throw new IOException("the sandbox exited mid-response");
    }
    return new Invocation(parts[0].equals("error"), payload);
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    int c;
    while ((c = in.read()) != -1 && c != '\n') {
      if (line.length() > 64) {
        throw new IOException("frame header too long");
      }
      line.append((char) c);
    }
    return c == -1 && line.isEmpty() ? null : line.toString();
  }

  private void ensureStarted() {
    if (process != null && process.isAlive()) {
      return;
    }
    kill();
    try {
      Files.createDirectories(logFile.getParent());
      ProcessBuilder builder = processBuilder.get()
          .redirectError(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
      process = builder.start();
      stdout = new BufferedInputStream(process.getInputStream());
      stdin = process.getOutputStream();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the sandbox of " + name + ": " + e.getMessage(), e);
    }
  }

  private void kill() {
    if (process != null) {
      LocalProcesses.stop(process, Duration.ofSeconds(3));
      process = null;
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (stdin != null) {
      try {
        stdin.close();
      } catch (IOException ignored) {
        // the process is killed next
      }
    }
    kill();
    reader.shutdownNow();
  }
}
