package dev.edgeperimeter.ingest.body;

import dev.edgeperimeter.ingest.IngestException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The request body's bytes as API Gateway hands them over: base64-decoded when the proxy event
 * says so (binary media types, e.g. a gzip body), else the text's UTF-8 bytes. Refused before
 * decoding when even the raw text is past the cap plus some slack (gzip header, base64 padding),
 * so an oversized body costs no decoding; {@link BodyDecoder} applies the exact cap afterwards.
 */
public final class RawBody {
  /** Slack on the raw body before decoding. */
  private static final int SLACK_BYTES = 64 * 1024;

  private RawBody() {
  }

  /**
   * @throws IngestException 413 past the cap, 400 when flagged base64 but not base64
   */
  public static byte[] bytes(String body, boolean base64, int maxBodyBytes) throws IngestException {
    long rawLimit = (long) maxBodyBytes + SLACK_BYTES;
    if (base64) {
      if (body.length() > (rawLimit * 4) / 3 + 4) {
        throw IngestException.tooLarge("body exceeds " + maxBodyBytes + " bytes");
      }
      try {
        return Base64.getMimeDecoder().decode(body);
      } catch (IllegalArgumentException e) {
        throw IngestException.unreadable("body is flagged base64 but is not valid base64");
      }
    }
    if (body.length() > rawLimit) {
      throw IngestException.tooLarge("body exceeds " + maxBodyBytes + " bytes");
    }
    return body.getBytes(StandardCharsets.UTF_8);
  }
}
