package dev.edgeperimeter.shared.keys;

import java.util.List;

/** Reads one key set's rows from the key table; material stays encrypted. */
@FunctionalInterface
public interface KeySetSource {
  /** Every well-formed key row of {@code keySet}, strongly consistent, in sort-key order. */
  List<KeyRecord> load(String keySet);
}
