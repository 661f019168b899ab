package dev.edgeperimeter.bench.coldstart;

import com.amazonaws.services.lambda.runtime.Context;
import dev.edgeperimeter.local.runtime.LambdaRuntimeShim;
import java.io.PrintStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Child JVM of the "first response after priming" measurement. Like Lambda's SnapStart init phase
 * it creates the handler through {@link LambdaRuntimeShim} (class init, constructor), then - with
 * {@code --prime} - runs the registered CRaC hooks through {@link dev.edgeperimeter.bench.crac.Core}
 * (the JVM must run with {@code -Dorg.crac.Core.Compat=dev.edgeperimeter.bench.crac}); then it times
 * the first invocation alone. Without {@code --prime} the same first invocation is timed after a
 * plain init (the comparison).
 *
 * <p>Arguments: {@code <Class::method> <event-file> <function-name> <timeout-s> <memory-mb> [--prime]}.
 * Stdout: the response on one line, then {@code #first-invoke-nanos <n> #resources <r>}.
 */
public final class PrimedInvoke {
  private PrimedInvoke() {
  }

  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
        StandardCharsets.UTF_8);
    System.setOut(System.err);
    byte[] event = Files.readAllBytes(Path.of(args[1]));
    boolean prime = args.length > 5 && args[5].equals("--prime");

    Method newHandler = LambdaRuntimeShim.class.getDeclaredMethod("newHandler", String.class);
    Method invoke = LambdaRuntimeShim.class.getDeclaredMethod("invoke", Object.class, byte[].class, Context.class);
    newHandler.setAccessible(true);
    invoke.setAccessible(true);
    Class<?> contextType = Class.forName("dev.edgeperimeter.local.runtime.LocalContext");
    Constructor<?> newContext = contextType.getDeclaredConstructor(String.class, int.class, int.class);
    newContext.setAccessible(true);

    Object handler = newHandler.invoke(null, args[0]);
    int resources = 0;
    if (prime) {
      resources = dev.edgeperimeter.bench.crac.Core.registered();
      dev.edgeperimeter.bench.crac.Core.checkpointRestore();
    }
    Context context = (Context) newContext.newInstance(args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]));
    long t0 = System.nanoTime();
    byte[] response = (byte[]) invoke.invoke(null, handler, event, context);
    long nanos = System.nanoTime() - t0;
    out.write(response);
    out.println();
    out.println("#first-invoke-nanos " + nanos + " #resources " + resources);
    out.flush();
    System.exit(0);
  }
}
