package dev.edgeperimeter.local.policy;

import dev.edgeperimeter.authorizer.policy.RouteScopes;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * {@code bin/policy}: check, explain and compile the route policy.
 *
 * <pre>
 * bin/policy check [FILE]                                 validate (default: policy/routes.yaml)
 * bin/policy explain METHOD PATH [--scopes "a b"] [--policy FILE]
 * bin/policy compile [--check]                            write (or verify) the generated files
 * </pre>
 */
public final class PolicyCli {
  public static final String POLICY = "policy/routes.yaml";
  public static final String TABLE = "policy/routes.table";
  public static final String EDGE_MODULE = "edgeworker/lib/route-table.js";
  public static final String VECTORS = "policy/decision-vectors.json";

  private final Path root;
  private final PrintStream out;
  private final PrintStream err;

  public PolicyCli(Path root, PrintStream out, PrintStream err) {
    this.root = root;
    this.out = out;
    this.err = err;
  }

  public static void main(String[] args) {
    System.exit(new PolicyCli(Path.of("").toAbsolutePath(), System.out, System.err).run(args));
  }

  /** Runs one command; returns the exit code (0 fine, 1 policy errors or stale files, 2 usage). */
  public int run(String[] args) {
    try {
      if (args.length == 0) {
        return usage();
      }
      return switch (args[0]) {
        case "check" -> check(args.length > 1 ? args[1] : POLICY);
        case "explain" -> explain(args);
        case "compile" -> compile(args.length > 1 && "--check".equals(args[1]));
        default -> usage();
      };
    } catch (IOException e) {
      err.println("policy: " + e.getMessage());
      return 1;
    }
  }

  private int usage() {
    err.println("""
        usage: bin/policy check [FILE]
               bin/policy explain METHOD PATH [--scopes "a b"] [--policy FILE]
               bin/policy compile [--check]""");
    return 2;
  }

  /**
   * A read and checked policy: its well-formed rules, how many it declares, every finding, and the
   * compiled table ({@code null} when there is an error).
   */
  public record Compiled(List<PolicyRoute> routes, int declared, List<Finding> findings, String table) {
  }

  /** Reads and checks {@code file} (relative to the repository root or absolute). */
  public Compiled load(String file) throws IOException {
    Path path = root.resolve(file);
    PolicyReader.Result read = PolicyReader.read(Files.readString(path, StandardCharsets.UTF_8));
    List<Finding> findings = new ArrayList<>(read.findings());
    findings.addAll(PolicyChecker.check(read.routes()));
    findings.sort(java.util.Comparator.comparingInt(Finding::line));
    boolean errors = findings.stream().anyMatch(f -> f.severity() == Finding.Severity.ERROR);
    return new Compiled(read.routes(), read.declared(), findings, errors ? null : PolicyCompiler.table(read.routes(), display(path)));
  }

  private String display(Path path) {
    Path abs = path.toAbsolutePath().normalize();
    return abs.startsWith(root) ? root.relativize(abs).toString() : abs.toString();
  }

  private int check(String file) throws IOException {
    Compiled c = load(file);
    String shown = display(root.resolve(file));
    c.findings().forEach(f -> (f.severity() == Finding.Severity.ERROR ? err : out).println(f.format(shown)));
    long errors = c.findings().stream().filter(f -> f.severity() == Finding.Severity.ERROR).count();
    out.printf(Locale.ROOT, "%s: %d rules, %d errors, %d warnings%n", shown, c.declared(), errors,
        c.findings().size() - errors);
    return errors == 0 ? 0 : 1;
  }

  private int compile(boolean checkOnly) throws IOException {
    Compiled c = load(POLICY);
    if (c.table() == null) {
      c.findings().stream().filter(f -> f.severity() == Finding.Severity.ERROR).forEach(f -> err.println(f.format(POLICY)));
      err.println("not compiled: fix the errors above (bin/policy check)");
      return 1;
    }
    Map<String, String> files = generated(c);
    int stale = 0;
    for (Map.Entry<String, String> e : files.entrySet()) {
      Path target = root.resolve(e.getKey());
      boolean same = Files.isRegularFile(target) && Files.readString(target, StandardCharsets.UTF_8).equals(e.getValue());
      if (checkOnly) {
        if (!same) {
          err.println(e.getKey() + " is not what " + POLICY + " compiles to: run bin/policy compile");
          stale++;
        }
      } else {
        Files.writeString(target, e.getValue(), StandardCharsets.UTF_8);
        out.println((same ? "unchanged " : "wrote ") + e.getKey());
      }
    }
    if (!checkOnly) {
      out.printf(Locale.ROOT, "%d rules; %d warnings (bin/policy check shows them)%n", c.routes().size(), c.findings().size());
    }
    return stale == 0 ? 0 : 1;
  }

  /** What {@code bin/policy compile} writes, by path. */
  public static Map<String, String> generated(Compiled c) {
    Map<String, String> files = new java.util.LinkedHashMap<>();
    files.put(TABLE, c.table());
    files.put(EDGE_MODULE, PolicyCompiler.edgeModule(c.table(), POLICY));
    files.put(VECTORS, DecisionVectors.generate(c.routes(), POLICY, TABLE));
    return files;
  }

  private int explain(String[] args) throws IOException {
    List<String> positional = new ArrayList<>();
    String scopes = "";
    String file = POLICY;
    for (int i = 1; i < args.length; i++) {
      if ("--scopes".equals(args[i]) && i + 1 < args.length) {
        scopes = args[++i];
      } else if ("--policy".equals(args[i]) && i + 1 < args.length) {
        file = args[++i];
      } else {
        positional.add(args[i]);
      }
    }
    if (positional.size() != 2) {
      return usage();
    }
    String method = positional.get(0);
    String path = positional.get(1);
    Compiled c = load(file);
    if (c.table() == null) {
      String shown = file;
      c.findings().forEach(f -> err.println(f.format(shown)));
      return 1;
    }
    Set<String> granted = RouteScopes.scopes(scopes);
    RouteScopes.Outcome origin = RouteScopes.parse(c.table()).decide(method, path, granted);
    out.printf(Locale.ROOT, "%s %s with scopes [%s]%n", method, path, String.join(" ", granted));
    out.printf(Locale.ROOT, "  origin (authorizer):  %-15s %s%n", origin.verdict().code(), originAnswer(origin)
        + describe(origin.rule() == null ? null : origin.rule().source(), c));
    String edge = edgeDecision(c.table(), method, path, scopes);
    out.printf(Locale.ROOT, "  edge (EdgeWorker):    %s%n", edge);
    return 0;
  }

  private static String originAnswer(RouteScopes.Outcome o) {
    return switch (o.verdict()) {
      case ALLOW -> "Allow";
      case SCOPE_DENIED -> "explicit Deny (403)";
      case PATH_NOT_NORMAL -> "Unauthorized (401), before any rule";
    };
  }

  private static String describe(String source, Compiled c) {
    if (source == null) {
      return "";
    }
    int line = Integer.parseInt(source.substring(source.lastIndexOf(':') + 1));
    for (PolicyRoute r : c.routes()) {
      if (r.line() == line) {
        String need = r.isPublic() ? "public" : (r.anyOf().isEmpty() ? "" : "any_of " + r.anyOf())
            + (r.anyOf().isEmpty() || r.allOf().isEmpty() ? "" : ", ") + (r.allOf().isEmpty() ? "" : "all_of " + r.allOf());
        return "; rule " + source + " " + r + " (" + need + ")";
      }
    }
    return "; rule " + source;
  }

  /** The EdgeWorker's own decision: its route-policy module run by node on the same table. */
  private String edgeDecision(String table, String method, String path, String scopes) {
    Path script = root.resolve("edgeworker/scripts/policy-explain.mjs");
    try {
      Process p = new ProcessBuilder("node", script.toString(), method, path, scopes).redirectErrorStream(true).start();
      try (var in = p.getOutputStream()) {
        in.write(table.getBytes(StandardCharsets.UTF_8));
      }
      String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        return "(node failed: " + text + ")";
      }
      return text;
    } catch (IOException e) {
      return "(node not found: " + e.getMessage() + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "(interrupted)";
    }
  }
}
