package dev.edgeperimeter.rotation.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Captures {@code System.out} as the function writes it in Lambda: the JSON log lines of the
 * log4j layout (which follows {@code System.out}) and the Powertools EMF metric blobs. Everything
 * written is kept as bytes for leak checks; {@link #drain()} hands over the JSON lines written
 * since the last call.
 */
public final class StdoutCapture implements AutoCloseable {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final PrintStream original = System.out;
  private final ByteArrayOutputStream all = new ByteArrayOutputStream();
  private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

  public StdoutCapture() {
    System.setOut(new PrintStream(new java.io.OutputStream() {
      @Override
      public synchronized void write(int b) {
        all.write(b);
        pending.write(b);
      }

      @Override
      public synchronized void write(byte[] b, int off, int len) {
        all.write(b, off, len);
        pending.write(b, off, len);
      }
    }, true, StandardCharsets.UTF_8));
  }

  /** The JSON lines written since the last call (non-JSON lines are returned as text nodes). */
  public synchronized List<JsonNode> drain() {
    System.out.flush();
    String text = pending.toString(StandardCharsets.UTF_8);
    pending.reset();
    List<JsonNode> lines = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      try {
        lines.add(MAPPER.readTree(line));
      } catch (IOException notJson) {
        lines.add(MAPPER.getNodeFactory().textNode(line));
      }
    }
    return lines;
  }

  /** Every byte written while capturing. */
  public synchronized byte[] everything() {
    System.out.flush();
    return all.toByteArray();
  }

  @Override
  public void close() {
    System.setOut(original);
  }
}
