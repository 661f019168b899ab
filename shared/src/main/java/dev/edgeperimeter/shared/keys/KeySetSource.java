package dev.edgeperimeter.shared.keys;

import dev.edgeperimeter.shared.time.Deadline;
import java.util.List;

/** Reads one key set's rows from the key table; material stays encrypted. */
@FunctionalInterface
public interface KeySetSource {
  /** Every well-formed key row of {@code keySet}, strongly consistent, in sort-key order, by {@code deadline}. */
  List<KeyRecord> load(String keySet, Deadline deadline);

  /** {@link #load(String, Deadline)} with the client's own timeouts. */
  default List<KeyRecord> load(String keySet) {
    return load(keySet, Deadline.none());
  }
}
