package dev.edgeperimeter.ingest;

import java.util.List;
import java.util.Set;

/** Where batches go: CloudWatch Logs in production, a recording fake in unit tests. */
public interface LogStore {

  /**
   * Stores one batch, creating its log stream on first use. When a call's outcome is unknown (the
   * response was lost, the call was cut off), the store looks for the batch's events (by id) in
   * the stream before sending again, and sends only those it does not find.
   *
   * @return events the service accepted the call for but refused individually (event index into
   *     {@code events} and reason); empty when all were stored
   * @throws StoreUnavailableException when the call still fails after retries within the budget
   */
  List<EventRejection> put(LogBatch batch, NormalizedEvents events, TimeBudget budget) throws StoreUnavailableException;

  /**
   * The events of {@code batch} (indexes into {@code events}) that are already in its log stream,
   * found by their ids ({@link NormalizedEvents#eventId}). Used before sending a batch that an
   * earlier delivery may have stored. The default is a store that cannot look back: nothing found.
   *
   * @throws StoreUnavailableException when the lookup fails after retries within the budget
   */
  default Set<Integer> alreadyStored(LogBatch batch, NormalizedEvents events, TimeBudget budget)
      throws StoreUnavailableException {
    return Set.of();
  }

  /** An event refused by the log service. */
  record EventRejection(int event, RejectReason reason) {
  }
}
