package dev.edgeperimeter.ingest;

/**
 * A POST to {@code /edge/logs}, free of Lambda types.
 *
 * @param body the raw body bytes (base64 already undone)
 * @param contentType the Content-Type header, or null
 * @param contentEncoding the Content-Encoding header, or null
 */
public record IngestRequest(byte[] body, String contentType, String contentEncoding) {
}
