package dev.edgeperimeter.ingest;

import java.util.List;

/** Where batches go: CloudWatch Logs in production, a recording fake in unit tests. */
public interface LogStore {

  /**
   * Stores one batch, creating its log stream on first use.
   *
   * @return events the service accepted the call for but refused individually (event index into
   *     {@code events} and reason); empty when all were stored
   * @throws StoreUnavailableException when the call still fails after retries within the budget
   */
  List<EventRejection> put(LogBatch batch, NormalizedEvents events, TimeBudget budget) throws StoreUnavailableException;

  /** An event refused by the log service. */
  record EventRejection(int event, RejectReason reason) {
  }
}
