package dev.edgeperimeter.local.stack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The event the local stack bootstraps the key set with: {@code events/key-rotation/bootstrap.json}
 * when the project has it, else {@code {"action":"bootstrap"}}; {@code source} says which.
 */
record BootstrapEvent(byte[] bytes, String source) {
  static BootstrapEvent read(Path projectDir) throws IOException {
    Path file = projectDir.resolve("events/key-rotation/bootstrap.json");
    if (Files.isRegularFile(file)) {
      return new BootstrapEvent(Files.readAllBytes(file), projectDir.relativize(file).toString());
    }
    return new BootstrapEvent("{\"action\":\"bootstrap\"}".getBytes(StandardCharsets.UTF_8),
        "{\"action\":\"bootstrap\"} (events/key-rotation/bootstrap.json does not exist)");
  }
}
