package dev.edgeperimeter.ingest;

import java.util.ArrayList;
import java.util.List;

/** A {@link LogStore} that keeps every stored batch; can fail chosen calls. */
final class InMemoryLogStore implements LogStore {
  record Stored(String stream, long timestamp, String message) {
  }

  final List<Stored> stored = new ArrayList<>();
  int calls;
  /** Calls (1-based) that fail with StoreUnavailableException. */
  java.util.Set<Integer> failOnCalls = new java.util.HashSet<>();

  @Override
  public List<EventRejection> put(LogBatch batch, NormalizedEvents events, TimeBudget budget)
      throws StoreUnavailableException {
    calls++;
    if (failOnCalls.contains(calls)) {
      throw new StoreUnavailableException("injected failure on call " + calls, null);
    }
    for (int e : batch.events()) {
      stored.add(new Stored(batch.streamName(), events.timestamp(e), events.message(e)));
    }
    return List.of();
  }
}
