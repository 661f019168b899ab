package dev.edgeperimeter.rotation;

import dev.edgeperimeter.shared.keys.KeyRecord;
import dev.edgeperimeter.shared.keys.KeyState;
import java.util.List;
import java.util.Optional;

/**
 * The key set as read (a Query may see part of a concurrent transaction; every write is therefore
 * conditional): the key rows plus the rotation marker ({@code pendingKid}: the NEXT key of the
 * rotation in progress; {@code edgeKid}: the key last confirmed at the edge; {@code currentKid}:
 * the CURRENT key as of the last promotion) and whether the period has been rotated.
 */
record KeySetSnapshot(List<KeyRecord> keys, Optional<String> pendingKid, Optional<String> edgeKid,
                      Optional<String> currentKid, boolean periodRotated) {

  List<KeyRecord> inState(KeyState state) {
    return keys.stream().filter(k -> k.state() == state).toList();
  }

  Optional<KeyRecord> current() {
    List<KeyRecord> current = inState(KeyState.CURRENT);
    return current.isEmpty() ? Optional.empty() : Optional.of(current.get(0));
  }

  /** The NEXT key of the rotation in progress: the one the marker names, else any NEXT. */
  Optional<KeyRecord> next() {
    List<KeyRecord> next = inState(KeyState.NEXT);
    return next.stream().filter(k -> pendingKid.map(k.kid()::equals).orElse(false)).findFirst()
        .or(() -> next.stream().findFirst());
  }

  Optional<KeyRecord> find(String kid) {
    return keys.stream().filter(k -> k.kid().equals(kid)).findFirst();
  }
}
