package dev.edgeperimeter.shared.json;

/**
 * Writes small JSON documents with a {@link StringBuilder}: the few fixed-shape request bodies
 * sent during a cold start (DynamoDB {@code Query}, KMS {@code Decrypt}) are built without loading
 * Jackson's generator on that path.
 */
public final class JsonText {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private JsonText() {
  }

  /** Appends {@code value} as a JSON string literal (RFC 8259 escaping: quote, backslash, control characters). */
  public static StringBuilder quote(StringBuilder out, String value) {
    out.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x2028 || c == 0x2029) {
            out.append("\\u").append(HEX[c >> 12 & 0xf]).append(HEX[c >> 8 & 0xf]).append(HEX[c >> 4 & 0xf])
                .append(HEX[c & 0xf]);
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"');
  }
}
