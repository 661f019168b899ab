package dev.edgeperimeter.rotation;

import dev.edgeperimeter.rotation.KeySetRepository.PeriodLock;
import dev.edgeperimeter.rotation.edge.EdgeKey;
import dev.edgeperimeter.rotation.edge.EdgeKeyPublisher;
import dev.edgeperimeter.rotation.edge.EdgePublishException;
import dev.edgeperimeter.shared.crypto.Base64Url;
import dev.edgeperimeter.shared.keys.KeyMaterialCipher;
import dev.edgeperimeter.shared.keys.KeyRecord;
import dev.edgeperimeter.shared.keys.KeyState;
import dev.edgeperimeter.shared.keys.KeyTable;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The rotation core (plain Java, no Lambda types). It moves the key set forward in steps that are
 * each safe to repeat and to interrupt, modelled on Secrets Manager's create / set / test / finish:
 * <ol>
 *   <li><b>create</b> a new key as {@code NEXT} (the origin accepts it from now on), claiming the
 *       period in the same transaction;</li>
 *   <li><b>publish</b> it to the edge and confirm the edge store returns it;</li>
 *   <li><b>promote</b> it to {@code CURRENT} and the old {@code CURRENT} to {@code PREVIOUS} in one
 *       transaction;</li>
 *   <li><b>retire</b> {@code PREVIOUS} keys older than the grace period.</li>
 * </ol>
 * Every run reloads the key set after each step and continues from whatever it finds, so a rerun
 * after a crash resumes, duplicated or concurrent runs converge on one new key per period, and there
 * is never more than one {@code CURRENT} (and, once bootstrapped, never none).
 */
public final class KeyRotator {
  private static final Logger LOG = LoggerFactory.getLogger(KeyRotator.class);
  /** Bound on reload rounds per run; a run that keeps losing races stops and fails loudly. */
  static final int MAX_ROUNDS = 16;
  static final int MATERIAL_BYTES = 32;
  static final int KID_RANDOM_BYTES = 9;
  /**
   * How long a forced rotation holds the force lock: forced invocations within this window of one
   * that created a key converge on that key instead of creating another.
   */
  static final java.time.Duration FORCE_WINDOW = java.time.Duration.ofMinutes(10);

  private enum Mode { SCHEDULED, FORCED, BOOTSTRAP }

  private final KeySetRepository repository;
  private final KeyMaterialCipher cipher;
  private final EdgeKeyPublisher publisher;
  private final RotationTelemetry telemetry;
  private final RotationPolicy policy;
  private final Clock clock;
  private final FaultHook faults;

  KeyRotator(KeySetRepository repository, KeyMaterialCipher cipher, EdgeKeyPublisher publisher,
             RotationTelemetry telemetry, RotationPolicy policy, Clock clock, FaultHook faults) {
    this.repository = repository;
    this.cipher = cipher;
    this.publisher = publisher;
    this.telemetry = telemetry;
    this.policy = policy;
    this.clock = clock;
    this.faults = faults;
  }

  /** Builds a rotator over the key table {@code tableName}. */
  public static KeyRotator create(DynamoDbClient dynamo, String tableName, KeyMaterialCipher cipher,
                                  EdgeKeyPublisher publisher, RotationTelemetry telemetry, RotationPolicy policy,
                                  Clock clock, FaultHook faults) {
    return new KeyRotator(new KeySetRepository(dynamo, tableName, policy.keySet()), cipher, publisher, telemetry,
        policy, clock, faults);
  }

  public RotationResult execute(RotationCommand command) {
    return switch (command) {
      case RotationCommand.Rotate r -> advance(r.trigger(), r.period(), r.force() ? Mode.FORCED : Mode.SCHEDULED);
      case RotationCommand.Bootstrap b -> advance(b.trigger(), b.period(), Mode.BOOTSTRAP);
      case RotationCommand.Revoke r -> revoke(r);
      case RotationCommand.Status s -> status(s.trigger());
    };
  }

  // ---------------------------------------------------------------- rotate / bootstrap

  private RotationResult advance(Trigger trigger, YearMonth period, Mode mode) {
    String action = mode == Mode.BOOTSTRAP ? "bootstrap" : "rotate";
    List<String> changes = new ArrayList<>();
    boolean created = false;
    boolean contended = false;
    String promoted = null;
    RotationStep step = RotationStep.CREATE;
    try {
      for (int round = 0; round < MAX_ROUNDS; round++) {
        KeySetSnapshot snap = repository.load(period);
        Optional<KeyRecord> next = snap.next();
        Optional<KeyRecord> current = snap.current();
        try {
          if (next.isPresent()) {
            KeyRecord key = next.get();
            if (publisher.enabled() && !key.kid().equals(snap.edgeKid().orElse(null))) {
              step = RotationStep.PUBLISH;
              publish(trigger, key);
              continue;
            }
            step = RotationStep.PROMOTE;
            faults.before(step, key.kid());
            Instant now = now();
            repository.promote(key, current, snap.currentKid(), Optional.empty(), trigger, now);
            changed(changes, trigger, key.kid(), KeyState.NEXT, KeyState.CURRENT, now, "activated");
            current.ifPresent(old -> changed(changes, trigger, old.kid(), KeyState.CURRENT, KeyState.PREVIOUS, now,
                "superseded by " + key.kid()));
            promoted = key.kid();
            continue;
          }
          boolean wanted = switch (mode) {
            case SCHEDULED -> current.isEmpty() || !snap.periodRotated();
            case FORCED -> !contended && promoted == null;
            case BOOTSTRAP -> current.isEmpty();
          };
          if (wanted && !created) {
            step = RotationStep.CREATE;
            if (current.isEmpty() && mode != Mode.BOOTSTRAP && !snap.keys().isEmpty()) {
              LOG.warn("key set {} has no CURRENT key; creating one now", policy.keySet());
            }
            PeriodLock lock = mode == Mode.SCHEDULED && current.isPresent() ? PeriodLock.CLAIM : PeriodLock.MARK;
            try {
              createNext(trigger, period, lock, mode == Mode.FORCED, changes);
              created = true;
            } catch (ConcurrentChangeException raced) {
              contended = true;
              throw raced;
            }
            continue;
          }
          step = RotationStep.PUBLISH;
          ensureEdgeHoldsCurrent(trigger, snap);
          step = RotationStep.RETIRE;
          retire(trigger, snap, changes);
          return finish(action, mode, trigger, period, promoted, current, changes);
        } catch (ConcurrentChangeException raced) {
          LOG.info("{}; reloading the key set and continuing", raced.getMessage());
        }
      }
      throw new RotationException(step, "the key set kept changing under this run for " + MAX_ROUNDS
          + " rounds; giving up so the next run can finish", null);
    } catch (RuntimeException e) {
      throw failed(trigger, step, action, e, "; the key set is consistent and the next run resumes from this step");
    }
  }

  /**
   * A run's failure, reported once: a {@link RotationException} as it is, anything else as one at
   * {@code step} ({@code "<what> failed at step <step>: <cause><advice>"}).
   */
  private RotationException failed(Trigger trigger, RotationStep step, String what, RuntimeException e,
                                   String advice) {
    RotationException failure = e instanceof RotationException known ? known
        : new RotationException(step, what + " failed at step " + step + ": " + describe(e) + advice, e);
    telemetry.rotationFailed(trigger, failure.step().name(), failure.getMessage());
    return failure;
  }

  private RotationResult finish(String action, Mode mode, Trigger trigger, YearMonth period, String promoted,
                                Optional<KeyRecord> current, List<String> changes) {
    String currentKid = current.map(KeyRecord::kid).orElse(null);
    if (promoted != null) {
      telemetry.rotationSucceeded(trigger, promoted, period.toString());
      telemetry.currentKeyAge(java.time.Duration.ZERO);
      String outcome = mode == Mode.BOOTSTRAP ? "BOOTSTRAPPED" : "ROTATED";
      return new RotationResult(action, outcome, policy.keySet(), period.toString(), promoted, changes,
          "kid " + promoted + " is CURRENT" + (publisher.enabled() ? " and published to " + publisher.describe() : ""),
          Map.of());
    }
    String message = switch (mode) {
      case BOOTSTRAP -> "key set " + policy.keySet() + " already has a CURRENT key (" + currentKid
          + "); bootstrap changed nothing";
      case FORCED -> repository.forceLockHolder(now())
          .map(holder -> "another forced rotation created a key within the last " + FORCE_WINDOW.toMinutes()
              + " minutes (" + holder + "); not creating another. CURRENT is " + currentKid)
          .orElse("another run rotated the key set concurrently; CURRENT is " + currentKid);
      case SCHEDULED -> "period " + period + " was already rotated; CURRENT is " + currentKid
          + (changes.isEmpty() ? "; nothing to do" : "");
    };
    LOG.info(message);
    return new RotationResult(action, mode == Mode.BOOTSTRAP ? "ALREADY_BOOTSTRAPPED" : "ALREADY_ROTATED",
        policy.keySet(), period.toString(), currentKid, changes, message, Map.of());
  }

  private KeyRecord createNext(Trigger trigger, YearMonth period, PeriodLock lock, boolean forceLock,
                               List<String> changes) {
    faults.before(RotationStep.CREATE, null);
    Instant now = now();
    SecureRandom random = new SecureRandom();
    byte[] suffix = new byte[KID_RANDOM_BYTES];
    random.nextBytes(suffix);
    String kid = period + "." + Base64Url.encode(suffix);
    byte[] material = new byte[MATERIAL_BYTES];
    byte[] encrypted;
    try {
      random.nextBytes(material);
      encrypted = cipher.encrypt(policy.keySet(), kid, material);
    } finally {
      Arrays.fill(material, (byte) 0);
    }
    KeyRecord key = new KeyRecord(policy.keySet(), kid, KeyTable.ALG_HS256, KeyState.NEXT, encrypted, now,
        Optional.empty(), Optional.empty(), now.plus(policy.keyLifetime()).getEpochSecond(), Optional.empty(), 1);
    repository.createNext(key, period, lock, forceLock ? Optional.of(now.plus(FORCE_WINDOW)) : Optional.empty(),
        trigger, now);
    changed(changes, trigger, kid, null, KeyState.NEXT, now, "created for period " + period);
    return key;
  }

  /** Publishes {@code key} to the edge, confirms it and records it as the edge's key. */
  private void publish(Trigger trigger, KeyRecord key) {
    faults.before(RotationStep.PUBLISH, key.kid());
    byte[] material = cipher.decrypt(policy.keySet(), key.kid(), key.encryptedMaterial());
    try (EdgeKey edgeKey = new EdgeKey(key.kid(), key.alg(), material, key.notAfter())) {
      if (material.length != MATERIAL_BYTES) {
        throw new IllegalStateException("key " + key.kid() + " decrypts to " + material.length + " bytes, not 32");
      }
      publisher.publish(edgeKey);
    } catch (EdgePublishException e) {
      throw new RotationException(RotationStep.PUBLISH, "publishing kid " + key.kid() + " (" + key.state()
          + ") to the edge failed: " + e.getMessage() + "; the key set is unchanged and the next run retries", e);
    } finally {
      Arrays.fill(material, (byte) 0);
    }
    Instant now = now();
    telemetry.published(trigger, key.kid(), publisher.describe(), now);
    faults.before(RotationStep.RECORD_PUBLISHED, key.kid());
    repository.recordPublished(key.kid(), now);
  }

  /**
   * With no rotation in flight, the edge must hold CURRENT: after a revocation replaced CURRENT,
   * or a revoked NEXT had already been published, or the marker was lost.
   */
  private void ensureEdgeHoldsCurrent(Trigger trigger, KeySetSnapshot snap) {
    if (!publisher.enabled() || snap.next().isPresent() || snap.pendingKid().isPresent()) {
      return;
    }
    // Act only on an unambiguous read: a Query may see half of a concurrent promotion (two CURRENT
    // rows, or one the marker does not name); republishing then could put an old key back on the edge.
    List<KeyRecord> currents = snap.inState(KeyState.CURRENT);
    if (currents.size() != 1) {
      return;
    }
    KeyRecord current = currents.get(0);
    if (snap.currentKid().isPresent() && !snap.currentKid().get().equals(current.kid())) {
      return;
    }
    if (!current.kid().equals(snap.edgeKid().orElse(null))) {
      LOG.warn("the edge is not known to hold CURRENT kid {} (last confirmed: {}); publishing it",
          current.kid(), snap.edgeKid().orElse("none"));
      publish(trigger, current);
    }
  }

  private void retire(Trigger trigger, KeySetSnapshot snap, List<String> changes) {
    Instant now = now();
    for (KeyRecord key : snap.inState(KeyState.PREVIOUS)) {
      if (key.retiredAt().isEmpty()) {
        LOG.warn("PREVIOUS key {} has no retiredAt; leaving it to expire at notAfter {}", key.kid(), key.notAfter());
        continue;
      }
      if (now.isBefore(key.retiredAt().get().plus(policy.gracePeriod()))) {
        continue;
      }
      faults.before(RotationStep.RETIRE, key.kid());
      long expiresAt = now.plus(policy.retiredTtl()).getEpochSecond();
      try {
        repository.retire(key, expiresAt, trigger, now);
        changed(changes, trigger, key.kid(), KeyState.PREVIOUS, KeyState.RETIRED, now,
            "grace period over; deleted after " + Instant.ofEpochSecond(expiresAt));
      } catch (ConcurrentChangeException raced) {
        LOG.info("{}; another run handled it", raced.getMessage());
      }
    }
  }

  // ---------------------------------------------------------------- revoke

  private RotationResult revoke(RotationCommand.Revoke command) {
    Trigger trigger = command.trigger();
    List<String> changes = new ArrayList<>();
    boolean revokedHere = false;
    boolean createdHere = false;
    String replacement = null;
    RotationException edgeFailure = null;
    RotationStep step = RotationStep.REVOKE;
    KeySetSnapshot first = repository.load(command.period());
    if (first.find(command.kid()).isEmpty()) {
      String problem = "field 'kid': key '" + command.kid() + "' is not in key set '" + policy.keySet()
          + "'; nothing was changed";
      telemetry.commandRejected(problem);
      throw new IllegalArgumentException(problem);
    }
    try {
      for (int round = 0; round < MAX_ROUNDS; round++) {
        KeySetSnapshot snap = round == 0 ? first : repository.load(command.period());
        KeyRecord key = snap.find(command.kid())
            .orElseThrow(() -> new IllegalStateException("key " + command.kid() + " disappeared while being revoked"));
        try {
          if (key.state() == KeyState.REVOKED) {
            if (edgeFailure != null) {
              // one publish attempt per run keeps the run inside the function's timeout; a rerun
              // of the revocation (or the daily status run) publishes the replacement
              throw new RotationException(RotationStep.PUBLISH, "kid " + key.kid() + " is REVOKED and kid "
                  + replacement + " replaced it as CURRENT, but the edge could not be given " + replacement
                  + " first (" + edgeFailure.getMessage() + "); until a rerun of this revocation publishes it, "
                  + "the edge signs with the revoked key and the origin rejects those requests", edgeFailure);
            }
            step = RotationStep.PUBLISH;
            ensureEdgeHoldsCurrent(trigger, snap);
            if (replacement != null) {
              telemetry.rotationSucceeded(trigger, replacement, command.period().toString());
            }
            String message = revokedHere
                ? "kid " + key.kid() + " is REVOKED" + (replacement == null ? "" : "; kid " + replacement
                    + " replaced it as CURRENT" + (publisher.enabled() ? " and is published to the edge" : ""))
                : "kid " + key.kid() + " was already REVOKED; nothing to do";
            LOG.info(message);
            return new RotationResult("revoke", revokedHere ? "REVOKED" : "ALREADY_REVOKED", policy.keySet(),
                command.period().toString(), key.kid(), changes, message,
                replacement == null ? Map.of() : Map.of("current", replacement));
          }
          if (key.state() == KeyState.CURRENT) {
            Optional<KeyRecord> next = snap.next();
            if (next.isEmpty()) {
              if (createdHere) {
                throw new IllegalStateException("the replacement key created by this run is no longer NEXT");
              }
              step = RotationStep.CREATE;
              createNext(trigger, command.period(), PeriodLock.MARK, false, changes);
              createdHere = true;
              continue;
            }
            // publish-before-use: the edge moves to the replacement (which the origin accepts as
            // NEXT) before CURRENT is revoked, so it never signs with a key the origin rejects.
            if (publisher.enabled() && edgeFailure == null && !next.get().kid().equals(snap.edgeKid().orElse(null))) {
              step = RotationStep.PUBLISH;
              try {
                publish(trigger, next.get());
              } catch (RotationException e) {
                // The contract wants a revoked key rejected within one cache lifetime, so an
                // unreachable edge does not hold the revocation up: revoke now, fail the run after.
                LOG.error("could not publish replacement kid {} before revoking CURRENT {}; revoking anyway: {}",
                    next.get().kid(), key.kid(), e.getMessage());
                edgeFailure = e;
              }
              continue;
            }
            step = RotationStep.REVOKE;
            faults.before(step, key.kid());
            Instant now = now();
            repository.promote(next.get(), Optional.of(key), snap.currentKid(), Optional.of(command.reason()),
                trigger, now);
            changed(changes, trigger, key.kid(), KeyState.CURRENT, KeyState.REVOKED, now, command.reason());
            changed(changes, trigger, next.get().kid(), KeyState.NEXT, KeyState.CURRENT, now,
                "replaces revoked " + key.kid());
            revokedHere = true;
            replacement = next.get().kid();
            continue;
          }
          step = RotationStep.REVOKE;
          faults.before(step, key.kid());
          Instant now = now();
          boolean pending = key.state() == KeyState.NEXT && key.kid().equals(snap.pendingKid().orElse(null));
          repository.revoke(key, command.reason(), pending, trigger, now);
          changed(changes, trigger, key.kid(), key.state(), KeyState.REVOKED, now, command.reason());
          revokedHere = true;
        } catch (ConcurrentChangeException raced) {
          LOG.info("{}; reloading the key set and continuing", raced.getMessage());
        }
      }
      throw new RotationException(step, "the key set kept changing during the revocation of " + command.kid()
          + " for " + MAX_ROUNDS + " rounds; giving up", null);
    } catch (RuntimeException e) {
      throw failed(trigger, step, "revoke " + command.kid(), e, "; rerun the revocation to finish it");
    }
  }

  // ---------------------------------------------------------------- status

  /**
   * Reports the key set without material, emits the CURRENT key's age, and does the housekeeping
   * the contract needs between rotations: makes sure the edge holds CURRENT (after a revocation
   * whose publish failed, or a concurrent run that put an older key back) and enforces the grace
   * period by retiring PREVIOUS keys past it. The template runs this daily, because the origin
   * must stop accepting a PREVIOUS key 48 hours after it stopped being current, not a month later.
   */
  private RotationResult status(Trigger trigger) {
    Instant now = now();
    YearMonth period = YearMonth.from(now.atZone(ZoneOffset.UTC));
    List<String> changes = new ArrayList<>();
    RotationStep step = RotationStep.PUBLISH;
    try {
      KeySetSnapshot before = repository.load(period);
      ensureEdgeHoldsCurrent(trigger, before);
      step = RotationStep.RETIRE;
      retire(trigger, before, changes);
    } catch (RuntimeException e) {
      throw failed(trigger, step, "status: housekeeping", e, "");
    }
    KeySetSnapshot snap = repository.load(period);
    snap.current().flatMap(KeyRecord::activatedAt)
        .ifPresent(activated -> telemetry.currentKeyAge(java.time.Duration.between(activated, now)));
    List<Map<String, Object>> keys = new ArrayList<>();
    for (KeyRecord k : snap.keys()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("kid", k.kid());
      row.put("state", k.state() == null ? "UNKNOWN" : k.state().name());
      row.put("alg", k.alg());
      row.put("createdAt", k.createdAt().toString());
      k.activatedAt().ifPresent(t -> row.put("activatedAt", t.toString()));
      k.retiredAt().ifPresent(t -> row.put("retiredAt", t.toString()));
      row.put("notAfter", k.notAfter());
      k.expiresAt().ifPresent(t -> row.put("expiresAt", t));
      row.put("version", k.version());
      row.put("acceptedNow", k.acceptedAt(now.getEpochSecond()));
      keys.add(row);
    }
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("keys", keys);
    snap.pendingKid().ifPresent(kid -> details.put("pendingKid", kid));
    snap.edgeKid().ifPresent(kid -> details.put("edgeKid", kid));
    details.put("periodRotated", snap.periodRotated());
    details.put("edgePublisher", publisher.describe());
    String currentKid = snap.current().map(KeyRecord::kid).orElse(null);
    return new RotationResult("status", "STATUS", policy.keySet(), period.toString(), currentKid, changes,
        keys.size() + " key(s); CURRENT is " + (currentKid == null ? "none" : currentKid), details);
  }

  // ---------------------------------------------------------------- helpers

  private void changed(List<String> changes, Trigger trigger, String kid, KeyState from, KeyState to, Instant at,
                       String note) {
    changes.add(kid + ": " + (from == null ? "(new)" : from.name()) + " -> " + to.name());
    telemetry.stateChanged(trigger, kid, from, to, at, note);
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.SECONDS);
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }
}
