package dev.edgeperimeter.testsupport;

import dev.edgeperimeter.shared.aws.AwsClients;
import dev.edgeperimeter.shared.aws.AwsSettings;
import java.io.File;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * A real {@code moto_server} process on a free loopback port: AWS (DynamoDB, KMS, CloudWatch Logs,
 * Secrets Manager, Cognito, ...) for tests, reached through the ordinary SDK clients.
 */
public final class MotoServer implements AutoCloseable {
  public static final Region REGION = Region.US_EAST_1;
  public static final String ACCESS_KEY = "testing";
  public static final String SECRET_KEY = "testing";

  private final Process process;
  private final int port;
  private final Path logFile;

  private MotoServer(Process process, int port, Path logFile) {
    this.process = process;
    this.port = port;
    this.logFile = logFile;
  }

  /** Starts moto_server and waits until it answers; fails with install instructions when missing. */
  public static MotoServer start() {
    return start("127.0.0.1", 0);
  }

  /**
   * Starts moto_server bound to {@code host} (e.g. {@code 0.0.0.0}, for containers) on {@code port}
   * (0: a free one); it is still reached through loopback ({@link #endpoint()}).
   */
  public static MotoServer start(String host, int requestedPort) {
    String executable = findExecutable().orElseThrow(() -> new IllegalStateException(
        "moto_server was not found on PATH (or MOTO_SERVER). Install it with: "
            + "python3 -m venv .venv && .venv/bin/pip install -r requirements-dev.txt  (then re-run)"));
    int port = requestedPort > 0 ? requestedPort : LocalProcesses.freeLoopbackPort();
    try {
      Path log = Files.createTempFile("moto-server-", ".log");
      ProcessBuilder builder = new ProcessBuilder(executable, "-H", host, "-p", Integer.toString(port))
          .redirectErrorStream(true)
          .redirectOutput(log.toFile());
      builder.environment().put("MOTO_ALLOW_NONEXISTENT_REGION", "true");
      Process process = builder.start();
      MotoServer server = new MotoServer(process, port, log);
      server.awaitReady(Duration.ofSeconds(60));
      return server;
    } catch (IOException e) {
      throw new IllegalStateException("could not start moto_server: " + e.getMessage(), e);
    }
  }

  private static Optional<String> findExecutable() {
    String configured = System.getenv("MOTO_SERVER");
    if (configured != null && !configured.isBlank()) {
      return Optional.of(configured);
    }
    List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
    dirs.add(System.getProperty("user.home") + "/.local/bin");
    for (String dir : dirs) {
      File candidate = new File(dir, "moto_server");
      if (candidate.canExecute()) {
        return Optional.of(candidate.getAbsolutePath());
      }
    }
    return Optional.empty();
  }

  private void awaitReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("moto_server exited with " + process.exitValue() + ": " + log());
      }
      try {
        HttpURLConnection c = (HttpURLConnection) endpoint().resolve("/moto-api/data.json").toURL().openConnection();
        c.setConnectTimeout(500);
        c.setReadTimeout(2000);
        if (c.getResponseCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // keep waiting
      }
      sleep(100);
    }
    close();
    throw new IllegalStateException("moto_server did not answer within " + timeout + ": " + log());
  }

  private String log() {
    try {
      return Files.readString(logFile);
    } catch (IOException e) {
      return "(no log)";
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public int port() {
    return port;
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** Settings pointing the SDK at this server with dummy credentials and a fixed region. */
  public AwsSettings settings() {
    return new AwsSettings(REGION, Optional.of(endpoint()),
        StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)));
  }

  public AwsClients clients() {
    return new AwsClients(settings());
  }

  /**
   * Environment variables that make a function (in this JVM's child processes, or through the
   * local-invoke path) talk to this server.
   */
  public java.util.Map<String, String> environment() {
    return java.util.Map.of(
        "AWS_ENDPOINT_URL", endpoint().toString(),
        "AWS_REGION", REGION.id(),
        "AWS_ACCESS_KEY_ID", ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY", SECRET_KEY);
  }

  /** Forgets every resource moto holds (fresh account state). */
  public void reset() {
    try {
      HttpURLConnection c = (HttpURLConnection) endpoint().resolve("/moto-api/reset").toURL().openConnection();
      c.setRequestMethod("POST");
      c.setDoOutput(true);
      c.getOutputStream().close();
      if (c.getResponseCode() != 200) {
        throw new IllegalStateException("moto reset answered " + c.getResponseCode());
      }
    } catch (IOException e) {
      throw new IllegalStateException("moto reset failed", e);
    }
  }

  @Override
  public void close() {
    LocalProcesses.stop(process, Duration.ofSeconds(5));
    try {
      Files.deleteIfExists(logFile);
    } catch (IOException ignored) {
      // a temp file; nothing to do
    }
  }
}
