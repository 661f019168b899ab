package dev.edgeperimeter.testsupport.fuzz;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import java.io.PrintWriter;
import java.lang.reflect.Method;
import java.util.Arrays;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Runs one Jazzer {@code @FuzzTest} method in this JVM, for {@code bin/fuzz}: Jazzer fuzzes one
 * fuzz test per JVM, and starting the JVM straight from the module's test class path is much
 * cheaper than a Maven run per target.
 *
 * <p>Usage: {@code java -cp <test class path> dev.edgeperimeter.testsupport.fuzz.FuzzMain
 * <fully.qualified.Class>#<method>}. With {@code JAZZER_FUZZ=1} it fuzzes (findings are written to
 * the test's inputs directory under {@code src/test/resources}, when the working directory is the
 * module); without it, it replays the committed inputs. Exit code 0 when the test passed, 1 when it
 * failed (a finding), 2 on a usage error.
 */
public final class FuzzMain {
  private FuzzMain() {
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 1 || !args[0].contains("#")) {
      System.err.println("usage: FuzzMain <fully.qualified.Class>#<method>");
      System.exit(2);
    }
    String className = args[0].substring(0, args[0].indexOf('#'));
    String methodName = args[0].substring(args[0].indexOf('#') + 1);
    Class<?> testClass = Class.forName(className);
    Method method = Arrays.stream(testClass.getDeclaredMethods()).filter(m -> m.getName().equals(methodName))
        .findFirst().orElse(null);
    if (method == null) {
      System.err.println("no method " + methodName + " in " + className);
      System.exit(2);
    }
    LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
        .selectors(selectMethod(testClass, method)).build();
    Launcher launcher = LauncherFactory.create();
    SummaryGeneratingListener listener = new SummaryGeneratingListener();
    launcher.execute(request, listener);
    TestExecutionSummary summary = listener.getSummary();
    PrintWriter out = new PrintWriter(System.out, true);
    summary.printFailuresTo(out, 40);
    long failed = summary.getTotalFailureCount();
    out.printf("%s: %d run, %d failed%n", args[0], summary.getTestsStartedCount(), failed);
    System.exit(failed == 0 && summary.getTestsStartedCount() > 0 ? 0 : 1);
  }
}
