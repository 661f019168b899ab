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
 */
public final class LambdaRuntimeShim {
  private LambdaRuntimeShim() {
  }

  public static void main(String[] args) throws Exception {
    PrintStream responseOut = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
        StandardCharsets.UTF_8);
    System.setOut(System.err);
    String handler = args[0];
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

  static byte[] invoke(String handler, byte[] event, Context context) throws Exception {
    String className = handler.contains("::") ? handler.substring(0, handler.indexOf("::")) : handler;
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    Class<?> type = Class.forName(className, true, loader);
    Object instance = type.getDeclaredConstructor().newInstance();
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
