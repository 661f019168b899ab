package dev.edgeperimeter.ingest.normalize;

import dev.edgeperimeter.ingest.ByteSink;

import java.util.List;

/**
 * Parses DataStream 2's {@code ewUsageInfo} and {@code ewExecutionInfo} fields straight from the
 * parser's characters into the generator (no substrings, no lists). The fields hold one tuple per
 * EdgeWorker event handler, tuples separated by {@code \}, each
 * {@code //<ewId>/<version>/<handler code>/<positional fields...>[/]#<metric>,<metric>,...}.
 * The number of positional fields grew over time (revision id, JavaScript log limit,
 * continue-on-error, ...), so everything is positional and nothing past the documented leading
 * fields is assumed.
 *
 * <p>Usage tuples become {@code {"ewId","version","handler","offReason","logicExecuted","status",
 * "statusName","extra":[...],"metrics":[...]}}; execution tuples {@code {"ewId","version",
 * "handler","fields":[...],"metrics":[...]}}. A field that does not have this shape is reported
 * by {@link #validate} (a short reason, never the content); the caller then keeps only the raw text
 * (which it always keeps) and records the reason next to it.
 */
public final class EwInfoParser {
  private static final int MAX_TUPLES = 32;

  private EwInfoParser() {
  }

  /** Null when {@code c[off, off+len)} is well-formed, else a short reason. */
  public static String validate(char[] c, int off, int len) {
    int end = off + len;
    int tuples = 0;
    int i = off;
    while (i < end) {
      int tEnd = indexOf(c, '\\', i, end);
      if (tEnd > i) {
        if (++tuples > MAX_TUPLES) {
          return "more than " + MAX_TUPLES + " tuples";
        }
        String problem = validateTuple(c, i, tEnd);
        if (problem != null) {
          return problem;
        }
      }
      i = tEnd + 1;
    }
    return tuples == 0 ? "no EdgeWorker tuple" : null;
  }

  private static String validateTuple(char[] c, int start, int end) {
    if (end - start < 2 || c[start] != '/' || c[start + 1] != '/') {
      return "tuple does not start with //";
    }
    int headEnd = indexOf(c, '#', start, end);
    int fields = 1;
    for (int i = start + 2; i < headEnd; i++) {
      if (c[i] == '/' && i != headEnd - 1) {
        fields++;
      }
    }
    if (fields < 3) {
      return "tuple has fewer than 3 fields";
    }
    int idEnd = indexOf(c, '/', start + 2, headEnd);
    if (idEnd == start + 2 || idEnd - (start + 2) > 18) {
      return "EdgeWorker id is not numeric";
    }
    for (int i = start + 2; i < idEnd; i++) {
      if (c[i] < '0' || c[i] > '9') {
        return "EdgeWorker id is not numeric";
      }
    }
    return null;
  }

  /**
   * Writes the parsed array of a field that passed {@link #validate} straight into {@code out} as
   * JSON. For usage fields, adds {@code [ewId, handlerName]} of every failed execution to
   * {@code errors}.
   */
  public static void write(ByteSink out, char[] c, int off, int len, boolean usage, List<String[]> errors) {
    int end = off + len;
    out.write('[');
    boolean first = true;
    int i = off;
    while (i < end) {
      int tEnd = indexOf(c, '\\', i, end);
      if (tEnd > i) {
        if (!first) {
          out.write(',');
        }
        first = false;
        writeTuple(out, c, i, tEnd, usage, errors);
      }
      i = tEnd + 1;
    }
    out.write(']');
  }

  private static final byte[] K_EW_ID = ascii("{\"ewId\":");
  private static final byte[] K_VERSION = ascii(",\"version\":");
  private static final byte[] K_HANDLER = ascii(",\"handler\":");
  private static final byte[] K_OFF_REASON = ascii(",\"offReason\":");
  private static final byte[] K_LOGIC_EXECUTED = ascii(",\"logicExecuted\":");
  private static final byte[] K_STATUS = ascii(",\"status\":");
  private static final byte[] K_STATUS_NAME = ascii(",\"statusName\":\"");
  private static final byte[] K_EXTRA = ascii(",\"extra\":[");
  private static final byte[] K_FIELDS = ascii(",\"fields\":[");
  private static final byte[] K_METRICS = ascii(",\"metrics\":[");

  private static byte[] ascii(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }

  private static void writeTuple(ByteSink out, char[] c, int start, int end, boolean usage, List<String[]> errors) {
    int headEnd = indexOf(c, '#', start, end);
    int headLimit = headEnd > start + 2 && c[headEnd - 1] == '/' ? headEnd - 1 : headEnd;
    int pos = start + 2;
    int field = 0;
    int idOff = -1;
    int idLen = 0;
    String handler = null;
    boolean listOpen = false;
    while (pos <= headLimit) {
      int fEnd = indexOf(c, '/', pos, headLimit);
      int fLen = fEnd - pos;
      switch (field) {
        case 0 -> {
          out.write(K_EW_ID, 0, K_EW_ID.length);
          string(out, c, pos, fLen);
          idOff = pos;
          idLen = fLen;
        }
        case 1 -> {
          out.write(K_VERSION, 0, K_VERSION.length);
          string(out, c, pos, fLen);
        }
        case 2 -> {
          handler = handlerName(c, pos, fLen);
          out.write(K_HANDLER, 0, K_HANDLER.length);
          out.write('"');
          out.writeAscii(handler);
          out.write('"');
        }
        default -> {
          if (usage && field == 3) {
            out.write(K_OFF_REASON, 0, K_OFF_REASON.length);
            string(out, c, pos, fLen);
          } else if (usage && field == 4) {
            out.write(K_LOGIC_EXECUTED, 0, K_LOGIC_EXECUTED.length);
            string(out, c, pos, fLen);
          } else if (usage && field == 5) {
            out.write(K_STATUS, 0, K_STATUS.length);
            string(out, c, pos, fLen);
            int status = smallNumber(c, pos, fLen);
            out.write(K_STATUS_NAME, 0, K_STATUS_NAME.length);
            out.writeAscii(statusName(status));
            out.write('"');
            if (isErrorStatus(status)) {
              errors.add(new String[] {idOff < 0 ? null : new String(c, idOff, idLen), handler});
            }
          } else {
            if (!listOpen) {
              byte[] k = usage ? K_EXTRA : K_FIELDS;
              out.write(k, 0, k.length);
              listOpen = true;
            } else {
              out.write(',');
            }
            string(out, c, pos, fLen);
          }
        }
      }
      field++;
      pos = fEnd + 1;
    }
    if (listOpen) {
      out.write(']');
    }
    if (headEnd + 1 < end) {
      out.write(K_METRICS, 0, K_METRICS.length);
      int m = headEnd + 1;
      boolean firstMetric = true;
      while (m <= end) {
        int mEnd = indexOf(c, ',', m, end);
        if (!firstMetric) {
          out.write(',');
        }
        firstMetric = false;
        if (NumberText.isJsonNumber(c, m, mEnd - m)) {
          out.writeAscii(c, m, mEnd - m);
        } else {
          string(out, c, m, mEnd - m);
        }
        m = mEnd + 1;
      }
      out.write(']');
    }
    out.write('}');
  }

  /** A JSON string (quotes included): plain ASCII copied, anything else escaped by Jackson's encoder. */
  private static void string(ByteSink out, char[] c, int off, int len) {
    out.write('"');
    if (!out.writeAsciiJsonChars(c, off, len)) {
      byte[] b = com.fasterxml.jackson.core.io.JsonStringEncoder.getInstance().quoteAsUTF8(new String(c, off, len));
      out.write(b, 0, b.length);
    }
    out.write('"');
  }

  /** Index of {@code ch} in {@code [from, to)}, or {@code to}. */
  private static int indexOf(char[] c, char ch, int from, int to) {
    for (int i = from; i < to; i++) {
      if (c[i] == ch) {
        return i;
      }
    }
    return to;
  }

  private static int smallNumber(char[] c, int off, int len) {
    if (len == 0 || len > 4) {
      return -1;
    }
    int v = 0;
    for (int i = off; i < off + len; i++) {
      if (c[i] < '0' || c[i] > '9') {
        return -1;
      }
      v = v * 10 + (c[i] - '0');
    }
    return v;
  }

  public static String handlerName(char[] c, int off, int len) {
    if (len != 1) {
      return "other";
    }
    return switch (c[off]) {
      case '-' -> "none";
      case '1' -> "onClientRequest";
      case '2' -> "onOriginRequest";
      case '3' -> "onOriginResponse";
      case '4' -> "onClientResponse";
      case '5' -> "responseProvider";
      default -> "other";
    };
  }

  /** Usage status codes as Akamai documents them for {@code ewUsageInfo}. */
  public static String statusName(int code) {
    return switch (code) {
      case 1 -> "success";
      case 2 -> "genericError";
      case 3 -> "unknownEdgeWorkerId";
      case 4 -> "unimplementedEventHandler";
      case 5 -> "runtimeError";
      case 6 -> "executionError";
      case 7 -> "timeoutError";
      case 8 -> "resourceLimitHit";
      case 9 -> "cpuTimeout";
      case 10 -> "wallTimeout";
      case 11 -> "initCpuTimeout";
      case 12 -> "initWallTimeout";
      default -> "other";
    };
  }

  /** A failed execution: any numeric status but 0 (none), 1 (success) and 4 (handler not implemented). */
  public static boolean isErrorStatus(int code) {
    return code >= 0 && code != 0 && code != 1 && code != 4;
  }
}
