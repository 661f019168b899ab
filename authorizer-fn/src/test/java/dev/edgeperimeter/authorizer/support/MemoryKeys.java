package dev.edgeperimeter.authorizer.support;

import dev.edgeperimeter.authorizer.keys.EdgeKeyCache;
import dev.edgeperimeter.shared.keys.KeyRecord;
import dev.edgeperimeter.shared.keys.KeySetSource;
import dev.edgeperimeter.shared.keys.MaterialDecrypter;
import dev.edgeperimeter.shared.keys.KeyState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A key set held in memory (material "encrypted" as itself) behind the real {@link EdgeKeyCache}:
 * for rule tests that are about the assertion, not about DynamoDB or KMS (those run against moto).
 */
public final class MemoryKeys {
  public static final String CURRENT = "k-2026-11.cur";
  public static final String NEXT = "k-2026-12.nxt";
  public static final String PREVIOUS = "k-2026-10.prv";
  public static final String RETIRED = "k-2026-09.ret";
  public static final String REVOKED = "k-2026-08.rev";
  public static final String PAST_NOT_AFTER = "k-2026-07.old";

  public static final Duration TTL = Duration.ofSeconds(60);
  public static final Duration LOAD_BUDGET = Duration.ofMillis(2500);

  private final List<KeyRecord> records = new CopyOnWriteArrayList<>();

  public static MemoryKeys standard() {
    MemoryKeys keys = new MemoryKeys();
    keys.put(CURRENT, KeyState.CURRENT, Minter.NOW + 86_400);
    keys.put(NEXT, KeyState.NEXT, Minter.NOW + 86_400);
    keys.put(PREVIOUS, KeyState.PREVIOUS, Minter.NOW + 86_400);
    keys.put(RETIRED, KeyState.RETIRED, Minter.NOW + 86_400);
    keys.put(REVOKED, KeyState.REVOKED, Minter.NOW + 86_400);
    keys.put(PAST_NOT_AFTER, KeyState.CURRENT, Minter.NOW - 1);
    return keys;
  }

  public static byte[] material(String kid) {
    return Minter.key("material/" + kid);
  }

  public void put(String kid, KeyState state, long notAfter) {
    records.removeIf(r -> r.kid().equals(kid));
    records.add(new KeyRecord("edge-origin", kid, "HS256", state, material(kid), Instant.ofEpochSecond(Minter.NOW - 86_400),
        Optional.empty(), Optional.empty(), notAfter, Optional.empty(), 1));
  }

  /** The rows, as the key table would give them. */
  public KeySetSource rows() {
    return (set, deadline) -> new ArrayList<>(records);
  }

  /** The "decrypter": material is stored as itself. */
  public static MaterialDecrypter decrypter() {
    return (set, kid, ciphertext, deadline) -> ciphertext.clone();
  }

  /** The key cache as configured by default: 60 s TTL, nothing served past it. */
  public EdgeKeyCache cache(Clock clock) {
    return new EdgeKeyCache("edge-origin", rows(), decrypter(), clock, TTL, Duration.ZERO, LOAD_BUDGET, warning -> { });
  }
}
