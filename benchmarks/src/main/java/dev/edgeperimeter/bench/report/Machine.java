package dev.edgeperimeter.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The machine a run happened on: CPU model (from {@code /proc/cpuinfo}), core count, Java and Node
 * versions.
 *
 * @param cpu   the CPU model name, or {@code unknown}
 * @param cores available processors
 * @param java  {@code java.vm.name java.runtime.version}
 * @param node  {@code node --version}, or {@code not installed}
 */
public record Machine(String cpu, int cores, String java, String node) {

  /** Describes this machine. */
  public static Machine detect() {
    return new Machine(cpuModel(Path.of("/proc/cpuinfo")), Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"), nodeVersion());
  }

  /** The first {@code model name} of a cpuinfo file. */
  static String cpuModel(Path cpuinfo) {
    try {
      for (String line : Files.readAllLines(cpuinfo)) {
        if (line.startsWith("model name")) {
          int colon = line.indexOf(':');
          return line.substring(colon + 1).strip();
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: fall through
    }
    return System.getProperty("os.arch", "unknown");
  }

  private static String nodeVersion() {
    try {
      Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes()).strip();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : "not installed";
    } catch (IOException e) {
      return "not installed";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown";
    }
  }

  /** One line: {@code <cpu>, <n> cores, <java>, Node <node>}. */
  public String describe() {
    return cpu + ", " + cores + " cores, " + java + ", Node " + node;
  }
}
