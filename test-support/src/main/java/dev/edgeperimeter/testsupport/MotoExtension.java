package dev.edgeperimeter.testsupport;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension: {@code @ExtendWith(MotoExtension.class)} gives a test a {@link MotoServer}
 * parameter (constructor, lifecycle or test method). One server serves the whole test run of a
 * module and is stopped when the run ends.
 */
public final class MotoExtension implements ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(MotoExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == MotoServer.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return server(context);
  }

  public static MotoServer server(ExtensionContext context) {
    return context.getRoot().getStore(NAMESPACE)
        .getOrComputeIfAbsent("moto", key -> new ClosingServer(MotoServer.start()), ClosingServer.class)
        .server();
  }

  /** Lets the root store stop the server when the test run ends. */
  private record ClosingServer(MotoServer server) implements AutoCloseable {
    @Override
    public void close() {
      server.close();
    }
  }
}
