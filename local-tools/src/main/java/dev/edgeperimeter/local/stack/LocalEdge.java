package dev.edgeperimeter.local.stack;

import dev.edgeperimeter.testsupport.LocalProcesses;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The local edge: {@code node edgeworker/local/edge-server.mjs}, the unmodified EdgeWorker
 * {@code main.js} behind an HTTP server, forwarding to the local gateway. Started with
 * {@code EDGE_PORT} (0: a free port) and waited for until it prints {@code EDGE_LISTENING port=<n>};
 * its output (including the EdgeWorker's own log lines, {@code EW_LOG=stdout}) goes to a log file.
 */
public final class LocalEdge implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("^EDGE_LISTENING port=(\\d+)\\s*$");

  private final Process process;
  private final int port;
  private final Path logFile;

  private LocalEdge(Process process, int port, Path logFile) {
    this.process = process;
    this.port = port;
    this.logFile = logFile;
  }

  /**
   * Starts the edge and waits until it listens.
   *
   * @param edgeworkerDir the {@code edgeworker/} directory
   * @param environment   {@code UPSTREAM_URL}, {@code EDGEKV_URL}, {@code PMUSER_*} ...
   * @param port          0 for a free port
   */
  public static LocalEdge start(Path edgeworkerDir, Map<String, String> environment, int port, Path logFile,
      Duration startTimeout) throws IOException {
    Files.createDirectories(logFile.getParent());
    ProcessBuilder builder = new ProcessBuilder("node", edgeworkerDir.resolve("local/edge-server.mjs").toString())
        .directory(edgeworkerDir.toFile())
        .redirectError(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
    String path = System.getenv("PATH");
    builder.environment().clear();
    if (path != null) {
      builder.environment().put("PATH", path);
    }
    builder.environment().putAll(environment);
    builder.environment().put("EDGE_PORT", Integer.toString(port));
    builder.environment().put("EDGE_HOST", "127.0.0.1");
    builder.environment().putIfAbsent("EW_LOG", "stdout");
    Process process = builder.start();
    CompletableFuture<Integer> listening = new CompletableFuture<>();
    Thread pump = new Thread(() -> {
      try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
          StandardCharsets.UTF_8));
           OutputStream log = Files.newOutputStream(logFile, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
        String line;
        while ((line = out.readLine()) != null) {
          Matcher m = LISTENING.matcher(line);
          if (!listening.isDone() && m.matches()) {
            listening.complete(Integer.parseInt(m.group(1)));
          }
          log.write((line + "\n").getBytes(StandardCharsets.UTF_8));
          log.flush();
        }
      } catch (IOException e) {
        listening.completeExceptionally(e);
      }
      listening.completeExceptionally(new IOException("the local edge exited"));
    }, "local-edge-output");
    pump.setDaemon(true);
    pump.start();
    try {
      return new LocalEdge(process, listening.get(startTimeout.toMillis(), TimeUnit.MILLISECONDS), logFile);
    } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
      process.destroyForcibly();
      throw new IOException("the local edge did not start (see " + logFile + "): " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IOException("interrupted while starting the local edge", e);
    }
  }

  public int port() {
    return port;
  }

  public String url() {
    return "http://127.0.0.1:" + port;
  }

  public Path logFile() {
    return logFile;
  }

  public long pid() {
    return process.pid();
  }

  @Override
  public void close() {
    LocalProcesses.stop(process, Duration.ofSeconds(5));
  }
}
