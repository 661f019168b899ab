package dev.edgeperimeter.ingest;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** An {@link IngestLedger} in a map. */
final class InMemoryLedger implements IngestLedger {
  final Map<String, Set<Integer>> chunks = new HashMap<>();
  final Set<String> complete = new HashSet<>();
  final Map<String, Set<Integer>> pending = new HashMap<>();

  @Override
  public Entry read(String identity, TimeBudget budget) {
    Set<Integer> stored = Set.copyOf(chunks.getOrDefault(identity, Set.of()));
    Set<Integer> open = new HashSet<>(pending.getOrDefault(identity, Set.of()));
    open.removeAll(stored);
    return new Entry(complete.contains(identity), stored, Set.copyOf(open));
  }

  final Map<String, String> leases = new HashMap<>();

  @Override
  public Entry acquire(String identity, String owner, long untilMillis, TimeBudget budget) {
    String holder = leases.get(identity);
    if (holder != null && !holder.equals(owner)) {
      return null;
    }
    leases.put(identity, owner);
    return read(identity, budget);
  }

  @Override
  public void release(String identity, String owner, TimeBudget budget) {
    leases.remove(identity, owner);
  }

  @Override
  public void chunkPending(String identity, int chunk, int chunkCount, TimeBudget budget) {
    pending.computeIfAbsent(identity, k -> new HashSet<>()).add(chunk);
  }

  @Override
  public void chunkStored(String identity, int chunk, int chunkCount, TimeBudget budget) {
    chunks.computeIfAbsent(identity, k -> new HashSet<>()).add(chunk);
  }

  @Override
  public void complete(String identity, int chunkCount, int accepted, int rejected, TimeBudget budget) {
    complete.add(identity);
    leases.remove(identity);
  }
}
