package dev.edgeperimeter.ingest;

/** Storage (CloudWatch Logs or the ledger) failed after retries: the sender gets 503 and retries. */
public final class StoreUnavailableException extends Exception {
  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
