package dev.edgeperimeter.ingest;

/**
 * Why a single record was not stored. {@link #code()} is the low-cardinality metric dimension,
 * {@link #message()} the text returned to the sender.
 */
public enum RejectReason {
  INVALID_JSON("invalid_json", "invalid JSON"),
  NOT_AN_OBJECT("not_an_object", "record is not a JSON object"),
  NO_TIMESTAMP("no_timestamp", "no usable timestamp"),
  RECORD_TOO_LARGE("too_large", "record exceeds " + IngestLimits.MAX_RECORD_BYTES + " bytes"),
  MESSAGE_TOO_LARGE("msg_too_large", "msg exceeds " + IngestLimits.MAX_EW_MSG_BYTES + " bytes"),
  TOO_OLD("too_old", "timestamp is more than 14 days in the past"),
  TOO_NEW("too_new", "timestamp is more than 2 hours in the future"),
  CLOUDWATCH_TOO_OLD("cw_too_old", "CloudWatch Logs rejected the event as too old"),
  CLOUDWATCH_TOO_NEW("cw_too_new", "CloudWatch Logs rejected the event as too new"),
  CLOUDWATCH_EXPIRED("cw_expired", "CloudWatch Logs rejected the event as older than the log group retention");

  private final String code;
  private final String message;

  RejectReason(String code, String message) {
    this.code = code;
    this.message = message;
  }

  public String code() {
    return code;
  }

  public String message() {
    return message;
  }
}
