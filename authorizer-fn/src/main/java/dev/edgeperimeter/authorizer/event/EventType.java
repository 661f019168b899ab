package dev.edgeperimeter.authorizer.event;

/** The API Gateway authorizer event shapes the authorizer serves. */
public enum EventType {
  /** REST API {@code TOKEN} authorizer (identity source {@code X-Edge-Assertion}). */
  REST_TOKEN,
  /** REST API {@code REQUEST} authorizer. */
  REST_REQUEST,
  /** HTTP API {@code REQUEST} authorizer, payload format 2.0. */
  HTTP_API
}
