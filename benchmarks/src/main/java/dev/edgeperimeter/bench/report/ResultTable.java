package dev.edgeperimeter.bench.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The one table a benchmark run prints: rows in the order they were measured, rendered as plain
 * text (stdout), Markdown (README) and JSON ({@code machine}, {@code timestamp}, {@code rows}).
 */
public final class ResultTable {
  static final String[] HEADERS = {"measurement", "value", "unit", "floor / peer", "ratio", "goal", "result"};

  private final Machine machine;
  private final Instant timestamp;
  private final String command;
  private final List<Row> rows = new ArrayList<>();

  public ResultTable(Machine machine, Instant timestamp, String command) {
    this.machine = machine;
    this.timestamp = timestamp;
    this.command = command;
  }

  public void add(Row row) {
    rows.add(row);
  }

  public void addAll(List<Row> more) {
    rows.addAll(more);
  }

  public List<Row> rows() {
    return List.copyOf(rows);
  }

  public Machine machine() {
    return machine;
  }

  /** Rows that missed their goal. */
  public long failures() {
    return rows.stream().filter(r -> r.verdict() == Row.Verdict.FAIL).count();
  }

  /** A number for humans: grouped integers from 1000 up, three significant digits below. */
  public static String number(double v) {
    if (Double.isNaN(v)) {
      return "-";
    }
    double a = Math.abs(v);
    if (a >= 1000) {
      return String.format(Locale.ROOT, "%,.0f", v);
    }
    if (a >= 100) {
      return String.format(Locale.ROOT, "%.1f", v);
    }
    if (a >= 10) {
      return String.format(Locale.ROOT, "%.2f", v);
    }
    if (a >= 1 || a == 0) {
      return String.format(Locale.ROOT, "%.2f", v);
    }
    return String.format(Locale.ROOT, "%.3g", v);
  }

  /** A ratio for humans: {@code 1.07x}. */
  public static String ratio(double r) {
    return Double.isNaN(r) ? "-" : number(r) + "x";
  }

  private static String floorCell(Row r) {
    if (Double.isNaN(r.floor())) {
      return r.floorLabel().isEmpty() ? "-" : r.floorLabel();
    }
    return number(r.floor()) + (r.floorLabel().isEmpty() ? "" : " (" + r.floorLabel() + ")");
  }

  private static String[] cells(Row r) {
    return new String[] {r.name(), number(r.value()), r.unit(), floorCell(r), ratio(r.ratio()), r.goal(),
        r.verdict().label()};
  }

  /** The machine line printed above the table. */
  public String machineLine() {
    return "Machine: " + machine.describe();
  }

  /** Fixed-width text for a terminal, with notes below the table. */
  public String toText() {
    List<String[]> all = new ArrayList<>();
    all.add(HEADERS);
    rows.forEach(r -> all.add(cells(r)));
    int[] width = new int[HEADERS.length];
    for (String[] line : all) {
      for (int i = 0; i < line.length; i++) {
        width[i] = Math.max(width[i], line[i].length());
      }
    }
    StringBuilder sb = new StringBuilder();
    sb.append(machineLine()).append('\n');
    sb.append("Run: ").append(timestamp).append("  (").append(command).append(")")
        .append(command.contains("--smoke") ? "  smoke run: tiny iteration counts, numbers indicative only, goals not judged" : "")
        .append('\n');
    for (int n = 0; n < all.size(); n++) {
      String[] line = all.get(n);
      for (int i = 0; i < line.length; i++) {
        boolean numeric = i == 1 || i == 4;
        String cell = line[i];
        String pad = " ".repeat(width[i] - cell.length());
        sb.append(numeric && n > 0 ? pad + cell : cell + pad);
        sb.append(i == line.length - 1 ? "" : "  ");
      }
      sb.append('\n');
      if (n == 0) {
        for (int i = 0; i < width.length; i++) {
          sb.append("-".repeat(width[i])).append(i == width.length - 1 ? "" : "  ");
        }
        sb.append('\n');
      }
    }
    String notes = notes("  ");
    if (!notes.isEmpty()) {
      sb.append("Notes:\n").append(notes);
    }
    return sb.toString();
  }

  private String notes(String bullet) {
    StringBuilder sb = new StringBuilder();
    for (Row r : rows) {
      if (!r.note().isEmpty()) {
        sb.append(bullet).append(r.name()).append(": ").append(r.note()).append('\n');
      }
    }
    return sb.toString();
  }

  /** A GitHub Markdown table (cells escaped), with the notes as a list below it. */
  public String toMarkdown() {
    StringBuilder sb = new StringBuilder();
    sb.append('|');
    for (String h : HEADERS) {
      sb.append(' ').append(h).append(" |");
    }
    sb.append("\n|");
    for (int i = 0; i < HEADERS.length; i++) {
      sb.append(i == 1 || i == 4 ? " ---: |" : " --- |");
    }
    sb.append('\n');
    for (Row r : rows) {
      sb.append('|');
      for (String c : cells(r)) {
        sb.append(' ').append(markdownCell(c)).append(" |");
      }
      sb.append('\n');
    }
    String notes = notes("- ");
    if (!notes.isEmpty()) {
      sb.append('\n').append(notes);
    }
    return sb.toString();
  }

  static String markdownCell(String s) {
    return s.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ");
  }

  /** {@code {"machine": {...}, "timestamp": "...", "command": "...", "rows": [...]}}; NaN becomes null. */
  public String toJson() {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
      g.useDefaultPrettyPrinter();
      g.writeStartObject();
      g.writeObjectFieldStart("machine");
      g.writeStringField("cpu", machine.cpu());
      g.writeNumberField("cores", machine.cores());
      g.writeStringField("java", machine.java());
      g.writeStringField("node", machine.node());
      g.writeEndObject();
      g.writeStringField("timestamp", timestamp.toString());
      g.writeStringField("command", command);
      g.writeArrayFieldStart("rows");
      for (Row r : rows) {
        g.writeStartObject();
        g.writeStringField("name", r.name());
        number(g, "value", r.value());
        g.writeStringField("unit", r.unit());
        number(g, "floor", r.floor());
        g.writeStringField("floorLabel", r.floorLabel());
        number(g, "ratio", r.ratio());
        g.writeStringField("goal", r.goal());
        g.writeStringField("result", r.verdict().name().toLowerCase(Locale.ROOT));
        g.writeStringField("note", r.note());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeNumberField("failures", failures());
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out + "\n";
  }

  private static void number(JsonGenerator g, String name, double v) throws IOException {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      g.writeNullField(name);
    } else {
      g.writeNumberField(name, v);
    }
  }

  /** The README performance section: the table, the command and the machine it ran on. */
  public String toReadmeSection() {
    boolean smoke = command.contains("--smoke");
    return "## Performance\n\n"
        + "Measured with `" + command + "` on " + machine.describe() + " (" + timestamp + ").\n"
        + "Every floor and peer value was measured in the same run on the same machine. Ratio = value / floor "
        + "for times and sizes, ours / peer for rates (higher is better there). Machine-readable: "
        + "`target/bench/bench.json`; methods: `benchmarks/` (JMH 1.37, fork 1).\n"
        + (smoke ? "\nThis was a smoke run (tiny iteration counts, JIT barely warm): the numbers are indicative only; "
            + "run `./bench` for the real ones.\n" : "")
        + "\n" + toMarkdown();
  }
}
