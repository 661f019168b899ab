package dev.edgeperimeter.local.stack;

import dev.edgeperimeter.local.LocalInvoke;
import dev.edgeperimeter.local.LocalRunState;
import dev.edgeperimeter.testsupport.MotoServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * {@code ./run-local}: starts the {@link LocalStack}, prints what runs where, writes
 * {@code local-run/state.json} for {@code bin/local-invoke} and {@code bin/fresh-events}, and
 * stops everything (removing the state) on Ctrl-C.
 *
 * <pre>
 * run-local [--gateway-port N] [--edge-port N] [--admin-port N] [--edgekv-port N]
 *           [--moto-host HOST] [--moto-port N] [--parameter-overrides "K=V ..."]
 *           [--authorizer-cache-ttl SECONDS] [--edge-verify-jwt on|off] [--log-dir DIR]
 * </pre>
 */
public final class LocalStackCommand {
  private LocalStackCommand() {
  }

  public static void main(String[] args) throws Exception {
    // ./run-local passes when it started (before any build), so "ready in" is what the user waited
    long t0 = System.currentTimeMillis();
    String since = System.getenv("RUN_LOCAL_STARTED_MS");
    if (since != null && since.matches("\\d{1,15}")) {
      t0 = Long.parseLong(since);
    }
    LocalStack.Options options = LocalStack.Options.defaults().withProgress(System.out);
    int gw = 0;
    int edgePort = 0;
    int adminPort = 0;
    int kvPort = 0;
    String motoHost = "127.0.0.1";
    int motoPort = 0;
    try {
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--gateway-port" -> gw = Integer.parseInt(args[++i]);
          case "--edge-port" -> edgePort = Integer.parseInt(args[++i]);
          case "--admin-port" -> adminPort = Integer.parseInt(args[++i]);
          case "--edgekv-port" -> kvPort = Integer.parseInt(args[++i]);
          case "--moto-host" -> motoHost = args[++i];
          case "--moto-port" -> motoPort = Integer.parseInt(args[++i]);
          case "--parameter-overrides" -> options = options.withParameterOverrides(
              LocalInvoke.parseParameterOverrides(args[++i]));
          case "--authorizer-cache-ttl" -> options = options.withAuthorizerCacheTtl(
              Duration.ofSeconds(Long.parseLong(args[++i])));
          case "--edge-verify-jwt" -> {
            String value = args[++i];
            if (!value.equals("on") && !value.equals("off")) {
              throw new IllegalArgumentException("--edge-verify-jwt takes on or off");
            }
            LocalStack.Options o = options;
            options = new LocalStack.Options(o.projectDir(), o.gatewayPort(), o.edgePort(), o.adminPort(),
                o.edgeKvPort(), o.parameterOverrides(), o.authorizerCacheTtl(), value.equals("on"), o.logDir(),
                o.progress());
          }
          case "--log-dir" -> options = options.withLogDir(Path.of(args[++i]).toAbsolutePath());
          case "-h", "--help" -> {
            System.out.println("""
                usage: run-local [--gateway-port N] [--edge-port N] [--admin-port N] [--edgekv-port N]
                                 [--moto-host HOST] [--moto-port N] [--parameter-overrides "Name=Value ..."]
                                 [--authorizer-cache-ttl SECONDS] [--edge-verify-jwt on|off] [--log-dir DIR]
                Starts moto, the EdgeKV stand-in, the functions, the local API gateway and the local edge.
                Ports default to free ones on loopback; --moto-host 0.0.0.0 --moto-port 5000 lets
                `sam local invoke` (Docker) reach the local AWS. Writes local-run/state.json while running.
                Ctrl-C stops everything.""");
            return;
          }
          default -> throw new IllegalArgumentException("unknown argument " + args[i]);
        }
      }
    } catch (ArrayIndexOutOfBoundsException | IllegalArgumentException e) {
      System.err.println("run-local: " + (e instanceof ArrayIndexOutOfBoundsException ? "a value is missing"
          : e.getMessage()) + " (try --help)");
      System.exit(2);
    }
    options = options.withPorts(gw, edgePort, adminPort, kvPort);
    Path project = options.projectDir();
    LocalStack stack = LocalStack.start(options, motoHost, motoPort);
    long pid = ProcessHandle.current().pid();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.out.println("\nstopping the local stack ...");
      LocalRunState.remove(project, pid);
      stack.close();
    }, "local-stack-shutdown"));
    new LocalRunState(pid, stack.moto().endpoint().toString(), MotoServer.REGION.id(), MotoServer.ACCESS_KEY,
        MotoServer.SECRET_KEY, stack.parameters(), Map.of("edge", stack.edgeUrl(), "gateway", stack.gatewayUrl(),
        "admin", stack.adminUrl(), "edgekv", stack.edgeKv().baseUrl())).write(project);
    System.out.println();
    System.out.println(stack.describe());
    System.out.println("bin/local-invoke and bin/fresh-events use this stack's local AWS ("
        + project.relativize(LocalRunState.file(project)) + ").");
    System.out.println(String.format(Locale.ROOT, "ready in %.1f s", (System.currentTimeMillis() - t0) / 1e3));
    Thread.currentThread().join();
  }
}
