package dev.edgeperimeter.authorizer.policy;

/**
 * The path rule both sides apply before any route rule is matched (docs/contract.md, "Route policy
 * and the path rule"): a request path must already be in the one form both sides and the backend
 * read alike. Refused: a path not starting with {@code /}; a doubled slash (an empty segment); a
 * {@code .} or {@code ..} segment; a backslash; a malformed percent escape; and a percent escape of
 * {@code /}, {@code \} or an unreserved character (ALPHA, DIGIT, {@code - . _ ~}), so that
 * {@code %2e%2e}, {@code %2F} and {@code %6Frders} cannot stand for what a rule names.
 * A trailing slash is allowed (it is a path of its own).
 *
 * <p>The EdgeWorker's {@code lib/route-policy.js} implements the same rule; the decision vectors
 * and a property test on each side keep the two identical.
 */
public final class RequestPath {
  /** Longest path examined (longer ones are refused; API Gateway's own limit is lower). */
  public static final int MAX_LENGTH = 8192;

  private RequestPath() {
  }

  /** Whether {@code path} passes the path rule. */
  public static boolean isNormal(String path) {
    if (path == null || path.isEmpty() || path.charAt(0) != '/' || path.length() > MAX_LENGTH) {
      return false;
    }
    int segmentStart = 1;
    int n = path.length();
    for (int i = 1; i <= n; i++) {
      char c = i < n ? path.charAt(i) : '/';
      if (c == '/') {
        int len = i - segmentStart;
        if (len == 0 && i < n) {
          return false; // "//"
        }
        if (len == 1 && path.charAt(segmentStart) == '.'
            || len == 2 && path.charAt(segmentStart) == '.' && path.charAt(segmentStart + 1) == '.') {
          return false;
        }
        segmentStart = i + 1;
      } else if (c == '\\') {
        return false;
      } else if (c == '%') {
        if (i + 2 >= n || hex(path.charAt(i + 1)) < 0 || hex(path.charAt(i + 2)) < 0) {
          return false;
        }
        int octet = hex(path.charAt(i + 1)) * 16 + hex(path.charAt(i + 2));
        if (octet == '/' || octet == '\\' || unreserved(octet)) {
          return false;
        }
        i += 2;
      }
    }
    return true;
  }

  private static boolean unreserved(int c) {
    return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_'
        || c == '~';
  }

  private static int hex(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    return -1;
  }
}
