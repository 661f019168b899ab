package dev.edgeperimeter.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark table's formatting only: nothing here times anything. */
class ResultTableTest {
  private static final Machine MACHINE = new Machine("Test CPU @ 2.0GHz", 2, "OpenJDK 25", "v20.1.0");

  private static ResultTable sample() {
    ResultTable t = new ResultTable(MACHINE, Instant.parse("2025-01-02T03:04:05Z"), "./bench --smoke");
    t.add(new Row("edge | mode", 3.84, "µs/op", 0.343, "bare HMAC", 11.2, "<= 10 µs", Row.Verdict.PASS, "a note"));
    t.add(Row.info("zip size", 9.4, "MB", ""));
    t.add(Row.notMeasured("cold start", "ms", "<= 3x floor", "no handler"));
    t.add(new Row("rate", 312_345.6, "records/s", Double.NaN, "", 0.42, ">= 0.5x", Row.Verdict.FAIL, ""));
    return t;
  }

  @Test
  @DisplayName("numbers: grouped from 1000 up, three significant digits below, '-' when missing")
  void numberFormatting() {
    assertThat(ResultTable.number(312_345.6)).isEqualTo("312,346");
    assertThat(ResultTable.number(123.45)).isEqualTo("123.5");
    assertThat(ResultTable.number(3.841)).isEqualTo("3.84");
    assertThat(ResultTable.number(0.3431)).isEqualTo("0.343");
    assertThat(ResultTable.number(Double.NaN)).isEqualTo("-");
    assertThat(ResultTable.ratio(1.234)).isEqualTo("1.23x");
    assertThat(ResultTable.ratio(Double.NaN)).isEqualTo("-");
  }

  @Test
  @DisplayName("text table: machine line, header, one line per row, verdicts and notes")
  void textTable() {
    String text = sample().toText();
    assertThat(text).startsWith("Machine: Test CPU @ 2.0GHz, 2 cores, OpenJDK 25, Node v20.1.0\n");
    assertThat(text.lines().filter(l -> l.startsWith("edge | mode") || l.startsWith("zip size")
        || l.startsWith("cold start") || l.startsWith("rate"))).hasSize(4);
    assertThat(text).contains("0.343 (bare HMAC)", "11.20x", "FAIL", "n/a", "Notes:", "cold start: no handler");
  }

  @Test
  @DisplayName("Markdown: header, alignment row, escaped pipes, one line per row")
  void markdown() {
    String md = sample().toMarkdown();
    assertThat(md.lines().findFirst().orElseThrow())
        .isEqualTo("| measurement | value | unit | floor / peer | ratio | goal | result |");
    assertThat(md).contains("| --- | ---: | --- | --- | ---: | --- | --- |");
    assertThat(md).contains("| edge \\| mode | 3.84 | µs/op |");
    assertThat(md.lines().filter(l -> l.startsWith("| ") && !l.startsWith("| measurement") && !l.startsWith("| ---")))
        .hasSize(4);
  }

  @Test
  @DisplayName("JSON: machine, timestamp, rows with null for missing numbers, failure count")
  void json(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bench.json");
    Files.writeString(file, sample().toJson());
    JsonNode root = new ObjectMapper().readTree(file.toFile());
    assertThat(root.path("machine").path("cpu").asText()).isEqualTo("Test CPU @ 2.0GHz");
    assertThat(root.path("machine").path("cores").asInt()).isEqualTo(2);
    assertThat(root.path("machine").path("node").asText()).isEqualTo("v20.1.0");
    assertThat(root.path("timestamp").asText()).isEqualTo("2025-01-02T03:04:05Z");
    assertThat(root.path("rows")).hasSize(4);
    JsonNode first = root.path("rows").get(0);
    assertThat(first.path("value").asDouble()).isEqualTo(3.84);
    assertThat(first.path("floor").asDouble()).isEqualTo(0.343);
    assertThat(first.path("result").asText()).isEqualTo("pass");
    JsonNode missing = root.path("rows").get(2);
    assertThat(missing.path("value").isNull()).isTrue();
    assertThat(missing.path("result").asText()).isEqualTo("not_measured");
    assertThat(root.path("failures").asInt()).isEqualTo(1);
  }

  @Test
  @DisplayName("README section: names the command and the machine, then the Markdown table")
  void readmeSection() {
    String section = sample().toReadmeSection();
    assertThat(section).startsWith("## Performance\n");
    assertThat(section).contains("`./bench --smoke`", "Test CPU @ 2.0GHz, 2 cores", "| measurement | value |");
  }

  @Test
  @DisplayName("CPU model is read from the first 'model name' line of cpuinfo")
  void cpuModel(@TempDir Path dir) throws Exception {
    Path cpuinfo = dir.resolve("cpuinfo");
    Files.writeString(cpuinfo, "processor\t: 0\nmodel name\t: Fancy CPU 9000\nprocessor\t: 1\nmodel name\t: Other\n");
    assertThat(Machine.cpuModel(cpuinfo)).isEqualTo("Fancy CPU 9000");
  }
}
