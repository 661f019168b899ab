package dev.edgeperimeter.local.stack;

/**
 * One function behind the local gateway: takes the event JSON, returns the function's result or
 * Lambda's error document. Implementations keep a warm sandbox ({@link WarmFunction}) or
 * are plain Java (test doubles).
 */
@FunctionalInterface
public interface FunctionInvoker extends AutoCloseable {

  /** What the function returned: its result JSON, or (when {@code error}) Lambda's error JSON. */
  record Invocation(boolean error, byte[] payload) {
    public String text() {
      return new String(payload, java.nio.charset.StandardCharsets.UTF_8);
    }

    public static Invocation ok(String json) {
      return new Invocation(false, json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    public static Invocation failed(String message, String type) {
      return new Invocation(true, ("{\"errorMessage\":" + Json.quote(message) + ",\"errorType\":" + Json.quote(type)
          + "}").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  Invocation invoke(byte[] event);

  @Override
  default void close() {
  }
}
