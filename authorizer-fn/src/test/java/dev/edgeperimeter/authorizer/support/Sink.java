package dev.edgeperimeter.authorizer.support;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The authorizer's telemetry as Lambda would ship it: every line written to {@code System.out}
 * (Powertools' JSON log lines, whose log4j appender follows {@code System.out}, and the EMF
 * documents of Powertools Metrics), split into log lines and EMF documents.
 *
 * <p>A tee on {@code System.out} is installed once per JVM; it keeps writing to the original stream
 * and hands each complete line to the current sink: the one most recently created (or
 * {@link #listen() listened} again). Tests run one at a time, so the current sink is the test's.
 */
public final class Sink {
  private static final Tee TEE = Tee.install();
  private static volatile Sink current;

  private final List<String> lines = new CopyOnWriteArrayList<>();

  /** A sink that becomes the current one. */
  public Sink() {
    listen();
  }

  /**
   * Makes this the sink that receives {@code System.out} lines (again). A line left unfinished by
   * whatever ran before (jqwik, for one, ends its report without a newline) is dropped, so it cannot
   * prefix this test's first telemetry line.
   */
  public Sink listen() {
    TEE.flush();
    TEE.dropUnfinishedLine();
    current = this;
    return this;
  }

  public List<String> lines() {
    System.out.flush();
    return lines;
  }

  public List<JsonNode> emf() {
    return parsed().stream().filter(n -> n.has("_aws")).toList();
  }

  public List<JsonNode> logs() {
    return parsed().stream().filter(n -> !n.has("_aws")).toList();
  }

  private List<JsonNode> parsed() {
    return lines().stream().filter(l -> l.startsWith("{")).map(l -> {
      try {
        return Minter.JSON.readTree(l);
      } catch (Exception e) {
        throw new AssertionError("telemetry line is not JSON: " + l, e);
      }
    }).toList();
  }

  public void clear() {
    System.out.flush();
    lines.clear();
  }

  /** Splits what is written to {@code System.out} into lines for the current sink. */
  private static final class Tee extends OutputStream {
    private final PrintStream original;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    private Tee(PrintStream original) {
      this.original = original;
    }

    static Tee install() {
      Tee tee = new Tee(System.out);
      System.setOut(new PrintStream(tee, true, StandardCharsets.UTF_8));
      return tee;
    }

    @Override
    public synchronized void write(int b) {
      original.write(b);
      if (b == '\n') {
        deliver();
      } else {
        line.write(b);
      }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      original.write(b, off, len);
      for (int i = off; i < off + len; i++) {
        if (b[i] == '\n') {
          deliver();
        } else {
          line.write(b[i]);
        }
      }
    }

    @Override
    public synchronized void flush() {
      original.flush();
    }

    synchronized void dropUnfinishedLine() {
      line.reset();
    }

    private void deliver() {
      String text = line.toString(StandardCharsets.UTF_8).strip();
      line.reset();
      Sink sink = current;
      if (sink != null && !text.isEmpty()) {
        sink.lines.add(text);
      }
    }
  }
}
