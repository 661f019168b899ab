package dev.edgeperimeter.local.runtime;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.amazonaws.services.lambda.runtime.serialization.factories.JacksonFactory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs one Lambda handler invocation in this JVM the way the Java managed runtime does: the
 * handler class is created once, a {@link RequestStreamHandler} gets the raw event bytes, a
 * {@link RequestHandler} gets the event deserialized by Lambda's own serializers
 * ({@code aws-lambda-java-serialization}) and its result serialized the same way.
 *
 * <p>Started by {@code LocalInvoke} in a fresh JVM whose class path is the function's deployable
 * layout (classes + {@code lib/*}), with the function's environment. The response goes to stdout;
 * anything the function prints goes to stderr, as with {@code sam local invoke}.
 *
 * <p>Arguments: {@code <Class::method> <event-file> <function-name> <timeout-seconds> <memory-mb>}.
 * Exit code 0 after a response, 1 when the handler raised (its error JSON is still printed).
 *
 * <p>With {@code --serve} in place of the event file the JVM stays up as a warm sandbox: it
 * reads invocations from stdin and writes results to stdout, each a frame
 * {@code <length>\n<bytes>} (results: {@code <ok|error> <length>\n<bytes>}), reusing the one
 * handler instance, as Lambda reuses a warm execution environment. The local stack uses it.
 */
public final class LambdaRuntimeShim {
  private LambdaRuntimeShim() {
  }

  public static void main(String[] args) throws Exception {
    PrintStream responseOut = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
        StandardCharsets.UTF_8);
    System.setOut(System.err);
    String handler = args[0];
    if ("--serve".equals(args[1])) {
      serve(handler, args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]), responseOut);
      return;
    }
    byte[] event = Files.readAllBytes(Path.of(args[1]));
    LocalContext context = new LocalContext(args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]));
    try {
      byte[] response = invoke(handler, event, context);
      responseOut.write(response);
      responseOut.println();
      responseOut.flush();
      System.exit(0);
    } catch (Throwable error) {
      Throwable cause = error instanceof java.lang.reflect.InvocationTargetException ite ? ite.getCause() : error;
      responseOut.println(errorJson(cause));
      responseOut.flush();
      System.exit(1);
    }
  }

  private static void serve(String handler, String functionName, int timeoutSeconds, int memoryMb,
      PrintStream responseOut) throws Exception {
    java.io.DataInputStream in = new java.io.DataInputStream(new java.io.BufferedInputStream(System.in));
    Object instance = null;
    while (true) {
      String header = readLine(in);
      if (header == null) {
        return;
      }
      byte[] event = in.readNBytes(Integer.parseInt(header.trim()));
      LocalContext context = new LocalContext(functionName, timeoutSeconds, memoryMb);
      byte[] result;
      String status;
      try {
        if (instance == null) {
          instance = newHandler(handler);
        }
        result = invoke(instance, event, context);
        status = "ok";
      } catch (Throwable error) {
        Throwable cause = error instanceof java.lang.reflect.InvocationTargetException ite ? ite.getCause() : error;
        result = errorJson(cause).getBytes(StandardCharsets.UTF_8);
        status = "error";
      }
      responseOut.print(status + " " + result.length + "\n");
      responseOut.write(result);
      responseOut.flush();
    }
  }

  private static String readLine(java.io.InputStream in) throws java.io.IOException {
    StringBuilder line = new StringBuilder();
    int c;
    while ((c = in.read()) != -1 && c != '\n') {
      line.append((char) c);
    }
    return c == -1 && line.length() == 0 ? null : line.toString();
  }

  static Object newHandler(String handler) throws Exception {
    String className = handler.contains("::") ? handler.substring(0, handler.indexOf("::")) : handler;
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    Class<?> type = Class.forName(className, true, loader);
    return type.getDeclaredConstructor().newInstance();
  }

  static byte[] invoke(String handler, byte[] event, Context context) throws Exception {
    return invoke(newHandler(handler), event, context);
  }

  static byte[] invoke(Object instance, byte[] event, Context context) throws Exception {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    Class<?> type = instance.getClass();
    String className = type.getName();
    if (instance instanceof RequestStreamHandler streamHandler) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      streamHandler.handleRequest(new ByteArrayInputStream(event), out, context);
      return out.toByteArray();
    }
    if (instance instanceof RequestHandler<?, ?> requestHandler) {
      Type[] io = requestHandlerTypes(type);
      @SuppressWarnings("unchecked")
      PojoSerializer<Object> in = (PojoSerializer<Object>) serializerFor(io[0], loader);
      Object input = in.fromJson(new ByteArrayInputStream(event));
      @SuppressWarnings({"unchecked", "rawtypes"})
      Object output = ((RequestHandler) requestHandler).handleRequest(input, context);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      if (output == null) {
        out.writeBytes("null".getBytes(StandardCharsets.UTF_8));
      } else {
        @SuppressWarnings("unchecked")
        PojoSerializer<Object> outSerializer = (PojoSerializer<Object>) serializerFor(output.getClass(), loader);
        outSerializer.toJson(output, out);
      }
      return out.toByteArray();
    }
    throw new IllegalArgumentException(className + " implements neither RequestHandler nor RequestStreamHandler");
  }

  /** The {@code <I, O>} of {@code RequestHandler<I, O>} as the handler class declares them. */
  static Type[] requestHandlerTypes(Class<?> type) {
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      for (Type t : c.getGenericInterfaces()) {
        if (t instanceof ParameterizedType p && p.getRawType() == RequestHandler.class) {
          return p.getActualTypeArguments();
        }
      }
    }
    for (Method m : type.getMethods()) {
      if (m.getName().equals("handleRequest") && m.getParameterCount() == 2 && !m.isBridge()) {
        return new Type[] {m.getGenericParameterTypes()[0], m.getGenericReturnType()};
      }
    }
    return new Type[] {Object.class, Object.class};
  }

  static PojoSerializer<?> serializerFor(Type type, ClassLoader loader) {
    Class<?> raw = type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
    if (LambdaEventSerializers.isLambdaSupportedEvent(raw.getName())) {
      return LambdaEventSerializers.serializerFor(raw, loader);
    }
    return JacksonFactory.getInstance().getSerializer(type);
  }

  /** The error document Lambda returns for an unhandled exception. */
  static String errorJson(Throwable error) {
    StringWriter trace = new StringWriter();
    error.printStackTrace(new PrintWriter(trace));
    System.err.print(trace);
    return "{\"errorMessage\":" + quote(String.valueOf(error.getMessage()))
        + ",\"errorType\":" + quote(error.getClass().getName()) + "}";
  }

  static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
