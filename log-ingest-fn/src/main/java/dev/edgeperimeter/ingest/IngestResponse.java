package dev.edgeperimeter.ingest;

/** The HTTP answer: status and a JSON body. */
public record IngestResponse(int status, String body) {
}
