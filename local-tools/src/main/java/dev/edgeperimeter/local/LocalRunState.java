package dev.edgeperimeter.local;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.edgeperimeter.shared.json.JsonLimits;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What a running {@code ./run-local} started, in {@code local-run/state.json}: its local AWS
 * (endpoint, region, credentials), the template parameters its functions run with and its URLs.
 * {@code bin/local-invoke} and {@code bin/fresh-events} read it to run against the same local AWS,
 * keys and names as the stack. Written when the stack is ready, removed when it stops.
 *
 * @param pid                the {@code ./run-local} JVM
 * @param awsEndpoint        moto, as reachable from this machine
 * @param awsRegion          region of the local resources
 * @param awsAccessKeyId     moto's (any) credentials
 * @param awsSecretAccessKey moto's (any) credentials
 * @param parameters         the template parameters the stack's functions run with
 * @param urls               {@code edge}, {@code gateway}, {@code admin}, {@code edgekv}
 */
public record LocalRunState(long pid, String awsEndpoint, String awsRegion, String awsAccessKeyId,
    String awsSecretAccessKey, Map<String, String> parameters, Map<String, String> urls) {

  private static final ObjectMapper MAPPER = JsonMapper.builder(JsonLimits.FACTORY)
      .enable(SerializationFeature.INDENT_OUTPUT).build();

  /**
   * {@code local-run/state.json} under the project directory, or under {@code $EDGE_PERIMETER_LOCAL_RUN}
   * when set (the README walk in CI keeps a developer's own {@code ./run-local} apart that way).
   */
  public static Path file(Path projectDir) {
    String dir = System.getenv("EDGE_PERIMETER_LOCAL_RUN");
    Path base = dir != null && !dir.isBlank() ? Path.of(dir) : projectDir.resolve("local-run");
    return base.resolve("state.json");
  }

  /** The state of a {@code ./run-local} that is still running (its process alive, its AWS answering). */
  public static Optional<LocalRunState> running(Path projectDir) {
    Path file = file(projectDir);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      LocalRunState state = MAPPER.readValue(file.toFile(), LocalRunState.class);
      boolean alive = ProcessHandle.of(state.pid()).map(ProcessHandle::isAlive).orElse(false);
      return alive && answers(state.awsEndpoint()) ? Optional.of(state) : Optional.empty();
    } catch (IOException | RuntimeException unreadable) {
      return Optional.empty();
    }
  }

  private static boolean answers(String endpoint) {
    try {
      HttpURLConnection c = (HttpURLConnection) URI.create(endpoint).resolve("/moto-api/data.json").toURL()
          .openConnection();
      c.setConnectTimeout(1000);
      c.setReadTimeout(3000);
      return c.getResponseCode() == 200;
    } catch (IOException | IllegalArgumentException e) {
      return false;
    }
  }

  /** Writes the state atomically. */
  public void write(Path projectDir) throws IOException {
    Path file = file(projectDir);
    Files.createDirectories(file.getParent());
    Path tmp = file.resolveSibling("state.json.tmp");
    MAPPER.writeValue(tmp.toFile(), this);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Removes the state when it is this process's. */
  public static void remove(Path projectDir, long pid) {
    Path file = file(projectDir);
    try {
      if (Files.isRegularFile(file) && MAPPER.readValue(file.toFile(), LocalRunState.class).pid() == pid) {
        Files.delete(file);
      }
    } catch (IOException | RuntimeException ignored) {
      // nothing to clean up
    }
  }

  /** The variables that point an AWS SDK (or a function) at the local AWS. */
  public Map<String, String> awsEnvironment() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("AWS_ENDPOINT_URL", awsEndpoint);
    env.put("AWS_REGION", awsRegion);
    env.put("AWS_ACCESS_KEY_ID", awsAccessKeyId);
    env.put("AWS_SECRET_ACCESS_KEY", awsSecretAccessKey);
    return env;
  }

  /** The stack's env-vars for a function, as SAM's {@code --env-vars} would set them. */
  public Map<String, Map<String, String>> envVars() {
    return Map.of("Parameters", Map.of("LOCAL_AWS_ENDPOINT_URL", awsEndpoint));
  }

  static Map<String, Object> readJson(Path file) throws IOException {
    return MAPPER.readValue(file.toFile(), new TypeReference<>() { });
  }
}
