package dev.edgeperimeter.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgeperimeter.testsupport.SamTemplate;
import java.io.File;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs each {@code build-<LogicalId>} Makefile target into an empty directory, as {@code sam build}
 * does with {@code ARTIFACTS_DIR}, and checks that the template's {@code Handler} class loads from
 * there alone and implements the Lambda handler interface for its event source. The first target
 * runs its Maven build for real; the others lay out the zips the reactor has just built
 * ({@code MVNW=true}), as the Maven line is the same for every target (a Maven build inside the
 * test costs about 20 s each).
 */
class SamBuildTargetsTest {
  private static final SamTemplate TEMPLATE = SamTemplate.load();

  @TempDir
  Path scratch;

  @TestFactory
  Stream<DynamicTest> everyMakefileFunctionBuildsALoadableHandler() {
    List<DynamicTest> tests = new ArrayList<>();
    for (String id : TEMPLATE.resourcesOfType("AWS::Serverless::Function")) {
      Map<String, Object> metadata = SamTemplate.map(TEMPLATE.resource(id).get("Metadata"));
      if (!"makefile".equals(metadata.get("BuildMethod"))) {
        continue;
      }
      boolean realBuild = tests.isEmpty();
      tests.add(DynamicTest.dynamicTest("make build-" + id + (realBuild ? "" : " (reactor-built zip)"),
          () -> buildAndLoad(id, realBuild)));
    }
    assertThat(tests).hasSize(3);
    return tests.stream();
  }

  private void buildAndLoad(String logicalId, boolean realBuild) throws Exception {
    Path project = SamTemplate.locate().getParent();
    Path artifacts = Files.createDirectories(scratch.resolve(logicalId));
    List<String> command = new ArrayList<>(List.of("make", "-s", "build-" + logicalId,
        "ARTIFACTS_DIR=" + artifacts, "MVN_FLAGS=-B -q -o -DskipTests"));
    if (!realBuild) {
      command.add("MVNW=true");
    }
    ProcessBuilder make = new ProcessBuilder(command)
        .directory(project.toFile())
        .redirectErrorStream(true);
    make.environment().put("JAVA_HOME", System.getProperty("java.home"));
    make.environment().put("PATH", System.getProperty("java.home") + "/bin" + File.pathSeparator
        + System.getenv("PATH"));
    Process process = make.start();
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor()).as("make build-%s:%n%s", logicalId, output).isZero();

    List<URL> classPath = new ArrayList<>();
    classPath.add(artifacts.toUri().toURL());
    try (var jars = Files.list(artifacts.resolve("lib"))) {
      for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).toList()) {
        classPath.add(jar.toUri().toURL());
      }
    }
    assertThat(classPath).as("runtime jars in lib/").hasSizeGreaterThan(5);
    try (URLClassLoader loader = new URLClassLoader(classPath.toArray(URL[]::new),
        ClassLoader.getPlatformClassLoader())) {
      String handler = String.valueOf(TEMPLATE.properties(logicalId).get("Handler"));
      Class<?> handlerClass = Class.forName(handler.split("::", 2)[0], false, loader); // the class, or Class::method
      Class<?> stream = loader.loadClass("com.amazonaws.services.lambda.runtime.RequestStreamHandler");
      Class<?> request = loader.loadClass("com.amazonaws.services.lambda.runtime.RequestHandler");
      assertThat(stream.isAssignableFrom(handlerClass) || request.isAssignableFrom(handlerClass))
          .as("%s implements RequestHandler or RequestStreamHandler", handlerClass).isTrue();
      if (request.isAssignableFrom(handlerClass)) {
        String input = requestHandlerInput(handlerClass, request);
        assertThat(input).as("%s input type", handlerClass).isEqualTo(expectedInput(logicalId));
      }
      assertThat(handlerClass.getDeclaredConstructor()).as("public no-arg constructor").isNotNull();
      assertThat(loader.getResource("dev/edgeperimeter/testsupport/MotoServer.class"))
          .as("test support stays out of the artifact").isNull();
    }
  }

  private static String expectedInput(String logicalId) {
    return switch (logicalId) {
      case "LogIngestFunction" -> "com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent";
      case "KeyRotationFunction" -> "java.util.Map";
      default -> "(stream)";
    };
  }

  private static String requestHandlerInput(Class<?> handlerClass, Class<?> requestHandler) {
    for (Class<?> c = handlerClass; c != null; c = c.getSuperclass()) {
      for (Type t : c.getGenericInterfaces()) {
        if (t instanceof ParameterizedType p && p.getRawType() == requestHandler) {
          Type in = p.getActualTypeArguments()[0];
          return (in instanceof ParameterizedType pi ? pi.getRawType() : in).getTypeName();
        }
      }
    }
    return "(unknown)";
  }
}
