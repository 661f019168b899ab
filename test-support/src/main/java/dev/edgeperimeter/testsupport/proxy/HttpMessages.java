package dev.edgeperimeter.testsupport.proxy;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The small part of HTTP/1.1 the proxy needs: reading a message head and a body framed by
 * {@code Content-Length}, chunked coding or the end of the connection, and writing a message with
 * a {@code Content-Length}. Hop-by-hop headers are dropped, so each side gets its own framing.
 */
final class HttpMessages {
  /** Headers that describe one connection, not the message (RFC 9110 7.6.1), plus the framing. */
  private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection", "te",
      "trailer", "transfer-encoding", "upgrade", "expect", "content-length", "proxy-authorization",
      "proxy-authenticate");
  private static final int MAX_HEAD = 64 * 1024;

  private HttpMessages() {
  }

  record Header(String name, String value) {
  }

  /** A parsed message head: the start line and the headers. */
  record Head(String startLine, List<Header> headers) {
    Optional<String> header(String name) {
      return headers.stream().filter(h -> h.name().equalsIgnoreCase(name)).map(Header::value).findFirst();
    }

    boolean hasToken(String name, String token) {
      return header(name).map(v -> List.of(v.toLowerCase(Locale.ROOT).split("\\s*,\\s*")).contains(token))
          .orElse(false);
    }

    List<Header> endToEndHeaders() {
      return headers.stream().filter(h -> !HOP_BY_HOP.contains(h.name().toLowerCase(Locale.ROOT))).toList();
    }
  }

  /** Reads a head; empty when the peer closed the connection before sending a byte. */
  static Optional<Head> readHead(InputStream in) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        if (bytes.size() == 0) {
          return Optional.empty();
        }
        throw new EOFException("connection closed inside a message head");
      }
      bytes.write(b);
      if (bytes.size() > MAX_HEAD) {
        throw new IOException("message head longer than " + MAX_HEAD + " bytes");
      }
      matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    String[] lines = bytes.toString(StandardCharsets.ISO_8859_1).split("\r\n");
    List<Header> headers = new ArrayList<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon <= 0) {
        throw new IOException("malformed header line: " + lines[i]);
      }
      headers.add(new Header(lines[i].substring(0, colon).trim(), lines[i].substring(colon + 1).trim()));
    }
    return Optional.of(new Head(lines[0], headers));
  }

  /** Reads the body {@code head} announces; {@code untilEof} for a response without framing. */
  static byte[] readBody(InputStream in, Head head, boolean untilEof) throws IOException {
    if (head.hasToken("Transfer-Encoding", "chunked")) {
      return readChunked(in);
    }
    Optional<String> length = head.header("Content-Length");
    if (length.isPresent()) {
      return readExactly(in, Integer.parseInt(length.get().trim()));
    }
    return untilEof ? in.readAllBytes() : new byte[0];
  }

  private static byte[] readChunked(InputStream in) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      String sizeLine = readLine(in);
      int semicolon = sizeLine.indexOf(';');
      int size = Integer.parseInt((semicolon >= 0 ? sizeLine.substring(0, semicolon) : sizeLine).trim(), 16);
      if (size == 0) {
        while (!readLine(in).isEmpty()) {
          // trailer fields: not forwarded
        }
        return body.toByteArray();
      }
      body.write(readExactly(in, size));
      readLine(in);
    }
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != '\n') {
      if (b < 0) {
        throw new EOFException("connection closed inside a chunked body");
      }
      if (b != '\r') {
        line.write(b);
      }
    }
    return line.toString(StandardCharsets.ISO_8859_1);
  }

  private static byte[] readExactly(InputStream in, int length) throws IOException {
    byte[] bytes = in.readNBytes(length);
    if (bytes.length != length) {
      throw new EOFException("connection closed after " + bytes.length + " of " + length + " body bytes");
    }
    return bytes;
  }

  /** Writes a message: start line, the given end-to-end headers, framing headers, body. */
  static void write(OutputStream out, String startLine, List<Header> headers, List<Header> framing, byte[] body,
      boolean withLength) throws IOException {
    StringBuilder head = new StringBuilder(startLine).append("\r\n");
    for (Header h : headers) {
      head.append(h.name()).append(": ").append(h.value()).append("\r\n");
    }
    for (Header h : framing) {
      head.append(h.name()).append(": ").append(h.value()).append("\r\n");
    }
    if (withLength) {
      head.append("Content-Length: ").append(body.length).append("\r\n");
    }
    head.append("\r\n");
    out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    out.write(body);
    out.flush();
  }
}
