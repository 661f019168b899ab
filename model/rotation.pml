/*
 * The key rotation protocol of key-rotation-fn (KeyRotator, KeySetRepository, EdgeKvPublisher),
 * the EdgeWorker's key cache (edgeworker/lib/key-cache.js) and the authorizer's key cache
 * (EdgeKeyCache), checked with spin. model/README.md maps every step to the code.
 *
 * Variants (model/check): -DPROMOTE_BEFORE_PUBLISH, -DNO_PERIOD_LOCK are deliberately broken;
 * spin must find a counterexample in each. -DXSCHED, -DXF, -DXR, -DXS, -DXT leave out the
 * scheduled, forced, revoke and status runs and the traffic, to check smaller configurations
 * exhaustively.
 *
 * Time: a clock ticks at any moment (one tick is about a minute). Time is kept as ages that the
 * tick increments up to a cap (an age past its cap behaves as the cap), so the model is finite
 * without bounding how long it runs. EdgeKV reads at the edge may trail a write by PROP ticks;
 * both caches keep a key set for TTL ticks; a run is killed after RUN_TIMEOUT ticks (the
 * function's 120 s); PREVIOUS keys are retired GRACE ticks after they stop being CURRENT. Only
 * the order of these durations matters (PROP <= UNKNOWN_KID <= TTL < RUN_TIMEOUT < GRACE).
 */

#define NK          5     /* kids 1..NK-1; 0 = none. kid 1 is bootstrapped CURRENT */
#define PROP        1     /* EdgeKV propagation (about 10 s) */
#define UNKNOWN_KID 1     /* EdgeKeyCache.UNKNOWN_KID_INTERVAL (10 s) */
#define TTL         1     /* edge KEY_CACHE_SECONDS and origin KEY_CACHE_TTL_SECONDS (60 s) */
#define RUN_TIMEOUT 2     /* the function's Timeout (120 s) */
#define GRACE       3     /* GRACE_PERIOD_HOURS (48 h): longer than everything above */
#define MAX_CRASHES 1     /* crashes (anywhere, any run) in one behaviour */
#define ATTEMPTS    2     /* a failed invocation is retried (Lambda async retries) */
#define MAX_ROUNDS  5     /* KeyRotator.MAX_ROUNDS (16); no behaviour here needs more */

#define NONE     0
#define NEXT     1
#define CURRENT  2
#define PREVIOUS 3
#define RETIRED  4
#define REVOKED  5

#define SCHEDULED 0
#define FORCED    1
#define REVOKE    2

#define RUNNING   0
#define DONE      1   /* ROTATED, REVOKED */
#define ALREADY   2   /* ALREADY_ROTATED, ALREADY_REVOKED */
#define FAILED    3   /* a reported failure (RotationException), or killed and not retried */

/* ---- the key table (conditional writes are atomic steps) ---- */
byte state[NK];
byte age[NK];             /* ticks since retiredAt (PREVIOUS) or revokedAt (REVOKED), up to GRACE */
byte newKid = 2;          /* the next fresh kid createNext picks */
byte pending;             /* marker row ROTATION: pendingKid, currentKid, edgeKid */
byte markerCur;
byte markerEdge;
bool periodRotated;       /* period lock row PERIOD#<yyyy-MM> */
bool forceLocked;         /* force lock row FORCE (held for the whole model run) */
byte scheduledCreates;    /* keys created by the scheduled trigger */

/* ---- EdgeKV: the item on each network (0 staging, 1 production) ---- */
byte kv[2];
byte kvOld[2];
byte kvAge[2];            /* ticks since the last write, up to PROP */

/* ---- caches: the edge's per network, the origin's (one container) ---- */
byte edgeKid[2];
byte edgeAge[2];          /* up to TTL */
byte originKnown;         /* bit k: row k was in the loaded set */
byte originAccepted;      /* bit k: row k was NEXT, CURRENT or PREVIOUS */
byte originAge;           /* up to TTL */
byte unknownAge;          /* since the last unknown-kid refresh, up to UNKNOWN_KID */

byte runAge[4];           /* ticks since the running attempt of run 0..3 began, up to RUN_TIMEOUT + 1 */
byte crashes;
byte outcome[3];

#define BIT(k) (1 << (k))

/* P1: exactly one CURRENT at all times (the model starts after the bootstrap) */
inline oneCurrent() {
  assert((state[1] == CURRENT) + (state[2] == CURRENT) + (state[3] == CURRENT) + (state[4] == CURRENT) == 1)
}

/* ---------------------------------------------------------------- time and traffic */

#define AGE(v, cap) if :: v < cap -> v++ :: else fi

proctype clock() {
  byte c;
end:
  do
  :: atomic {
       AGE(kvAge[0], PROP); AGE(kvAge[1], PROP);
       AGE(edgeAge[0], TTL); AGE(edgeAge[1], TTL);
       AGE(originAge, TTL); AGE(unknownAge, UNKNOWN_KID);
       c = 1;
       do
       :: c < NK -> AGE(age[c], GRACE); c++
       :: else -> break
       od;
       c = 0;
       do
       :: c < 4 -> AGE(runAge[c], RUN_TIMEOUT + 1); c++
       :: else -> break
       od;
       c = 0
     }
  od
}

inline originLoad() {
  originKnown = 0; originAccepted = 0;
  j = 1;
  do
  :: j < NK ->
     if
     :: state[j] != NONE -> originKnown = originKnown | BIT(j)
     :: else
     fi;
     if
     :: state[j] == NEXT || state[j] == CURRENT || state[j] == PREVIOUS ->
        originAccepted = originAccepted | BIT(j)
     :: else
     fi;
     j++
  :: else -> break
  od;
  j = 0;
  originAge = 0
}

/*
 * A request at any moment on either network: the edge signs with its cached key (reading
 * EdgeKV when the cache is stale; the read may return the item's previous value within PROP
 * of a write), and the origin verifies it with its cached key set (EdgeKeyCache.resolve).
 */
#ifndef XT
proctype traffic() {
  byte n, k, j;
end:
  do
  :: atomic {
       if :: n = 0 :: n = 1 fi;
       if
       :: edgeAge[n] >= TTL ->
          if
          :: kvAge[n] < PROP -> if :: edgeKid[n] = kv[n] :: edgeKid[n] = kvOld[n] fi
          :: else -> edgeKid[n] = kv[n]
          fi;
          edgeAge[n] = 0
       :: else
       fi;
       k = edgeKid[n];
       if
       :: originAge >= TTL -> originLoad()
       :: else
       fi;
       if
       :: (originKnown & BIT(k)) == 0 && unknownAge >= UNKNOWN_KID ->
          unknownAge = 0; originLoad()
       :: else
       fi;
       /* P2: the edge never signs with a key the origin rejects, except one revoked on purpose */
       assert((originAccepted & BIT(k)) != 0 || state[k] == REVOKED);
       /* P3: a revoked key is refused within one cache TTL */
       assert(!(state[k] == REVOKED && age[k] >= TTL) || (originAccepted & BIT(k)) == 0);
       n = 0; k = 0
     }
  od
}
#endif

/* ---------------------------------------------------------------- a run's steps */

/* Before each step: the run may crash (budget), and is killed past its timeout. */
#define STEP \
  if \
  :: runAge[mode] > RUN_TIMEOUT -> goto crashed \
  :: else -> \
     if \
     :: crashes < MAX_CRASHES -> crashes++; goto crashed \
     :: true \
     fi \
  fi

/*
 * KeySetRepository.load: the key rows (one Query), the marker and the period lock, read here in one
 * step (the code reads them one after the other; every write being conditional on what was read,
 * a run acting on a stale part only loses a race).
 */
inline load() {
  STEP;
  atomic {
    sNext = 0; sCur = 0; sCurCount = 0; sK1 = state[1];
    i = 1;
    do
    :: i < NK ->
       if
       :: state[i] == NEXT -> sNext = i
       :: state[i] == CURRENT -> sCur = i; sCurCount++
       :: else
       fi;
       i++
    :: else -> break
    od;
    i = 0;
    sPending = pending; sEdge = markerEdge; sMarkerCur = markerCur;
    sRotated = periodRotated
  }
}

/*
 * EdgeKvPublisher.publish (PUT + confirming GET per network, staging first), then
 * KeySetRepository.recordPublished. The PUT and its confirming GET of one network are one step
 * (the GET reads the central store right after the PUT).
 */
inline publish(key) {
  STEP;
  atomic { kvOld[0] = kv[0]; kv[0] = key; kvAge[0] = 0 };
  STEP;
  atomic { kvOld[1] = kv[1]; kv[1] = key; kvAge[1] = 0 };
  STEP;
  markerEdge = key
}

/* KeySetRepository.createNext: key row, period lock, marker pendingKid (+ force lock), one transaction */
inline createNext(claim, force) {
  STEP;
  atomic {
    if
    :: pending == 0 && !(claim && periodRotated) && !(force && forceLocked) && newKid < NK ->
       state[newKid] = NEXT;
       pending = newKid;
       periodRotated = true;
       if :: force -> forceLocked = true :: else fi;
       if :: mode == SCHEDULED -> scheduledCreates++ :: else fi;
       newKid++;
       raced = false
    :: else -> raced = true
    fi
  }
}

/*
 * KeySetRepository.promote: next NEXT -> CURRENT, cur CURRENT -> PREVIOUS (or REVOKED),
 * marker pendingKid cleared and currentKid cur -> next; conditional on the states and the
 * marker as read.
 */
inline promote(next, cur, markerWas, revoke) {
  STEP;
  atomic {
    if
    :: state[next] == NEXT && (cur == 0 || state[cur] == CURRENT) && pending == next && markerCur == markerWas ->
       state[next] = CURRENT;
       if
       :: cur != 0 && revoke -> state[cur] = REVOKED; age[cur] = 0
       :: cur != 0 && !revoke -> state[cur] = PREVIOUS; age[cur] = 0
       :: else
       fi;
       pending = 0;
       markerCur = next;
       raced = false;
       oneCurrent()
    :: else -> raced = true
    fi
  }
}

/* KeyRotator.ensureEdgeHoldsCurrent, on the snapshot of this round */
inline ensureEdgeHoldsCurrent() {
  if
  :: sNext == 0 && sPending == 0 && sCurCount == 1 && (sMarkerCur == 0 || sMarkerCur == sCur) && sCur != sEdge ->
     publish(sCur)
  :: else
  fi
}

/* KeyRotator.retire: PREVIOUS keys past the grace period -> RETIRED (conditional; a lost race is ignored) */
inline retire() {
  r = 1;
  do
  :: r < NK ->
     if
     :: state[r] == PREVIOUS && age[r] >= GRACE ->
        STEP;
        atomic { if :: state[r] == PREVIOUS -> state[r] = RETIRED :: else fi }
     :: else
     fi;
     r++
  :: else -> break
  od;
  r = 0
}

/* ---------------------------------------------------------------- the runs */

/* KeyRotator.advance for the scheduled and the forced rotation */
proctype rotate(byte mode) {
  byte attempt, round, r;
  byte sNext, sCur, sCurCount, sPending, sEdge, sMarkerCur, sK1, i;
  bool sRotated, created, contended, promoted, raced, publishFailed, wanted;

start:
  runAge[mode] = 0;
  round = 0; created = false; contended = false; promoted = false;
  do
  :: round == MAX_ROUNDS -> goto failed
  :: else ->
     round++;
     load();
#ifdef PROMOTE_BEFORE_PUBLISH
     if
     :: sNext != 0 ->
        promote(sNext, sCur, sMarkerCur, false);
        if :: !raced -> promoted = true :: else fi;
        if
        :: !raced -> atomic { sCur = sNext; sNext = 0; sPending = 0; sMarkerCur = sCur; sCurCount = 1 };
           ensureEdgeHoldsCurrent();
           if :: publishFailed -> goto failed :: else fi
        :: else
        fi
#else
     if
     :: sNext != 0 && sNext != sEdge ->
        publish(sNext);
        if :: publishFailed -> goto failed :: else fi
     :: sNext != 0 && sNext == sEdge ->
        promote(sNext, sCur, sMarkerCur, false);
        if :: !raced -> promoted = true :: else fi
#endif
     :: sNext == 0 ->
        if
#ifdef NO_PERIOD_LOCK
        :: mode == SCHEDULED -> wanted = (sCur == 0 || !promoted)
#else
        :: mode == SCHEDULED -> wanted = (sCur == 0 || !sRotated)
#endif
        :: mode == FORCED -> wanted = (!contended && !promoted)
        fi;
        if
        :: wanted && !created ->
#ifdef NO_PERIOD_LOCK
           createNext(false, mode == FORCED);
#else
           createNext(mode == SCHEDULED && sCur != 0, mode == FORCED);
#endif
           if :: raced -> contended = true :: else -> created = true fi
        :: else ->
           ensureEdgeHoldsCurrent();
           if :: publishFailed -> goto failed :: else fi;
           retire();
           if
           :: promoted -> outcome[mode] = DONE
           :: else -> outcome[mode] = ALREADY
           fi;
           goto finished
        fi
     fi;
     /* forget this round's snapshot (the next load reads a new one) */
     atomic { sNext = 0; sCur = 0; sCurCount = 0; sPending = 0; sEdge = 0; sMarkerCur = 0; sK1 = 0; sRotated = false; raced = false; wanted = false }
  od;

crashed:
failed:
  atomic { sNext = 0; sCur = 0; sCurCount = 0; sPending = 0; sEdge = 0; sMarkerCur = 0; sK1 = 0; sRotated = false; raced = false; publishFailed = false };
  attempt++;
  if
  :: attempt < ATTEMPTS -> goto start
  :: else -> outcome[mode] = FAILED
  fi;
finished:
  skip
}

/* KeyRotator.revoke of kid 1 (the bootstrapped key; CURRENT or, after a rotation, PREVIOUS) */
proctype revoke() {
  byte mode = REVOKE;
  byte attempt, round, r, replacement;
  byte sNext, sCur, sCurCount, sPending, sEdge, sMarkerCur, sK1, i;
  bool sRotated, createdHere, revokedHere, edgeFailure, raced, publishFailed;

start:
  runAge[mode] = 0;
  round = 0; createdHere = false; revokedHere = false; edgeFailure = false; replacement = 0;
  do
  :: round == MAX_ROUNDS -> goto failed
  :: else ->
     round++;
     load();
     if
     :: sK1 == REVOKED ->
        if :: edgeFailure -> goto failed :: else fi;
        ensureEdgeHoldsCurrent();
        if :: publishFailed -> goto failed :: else fi;
        if
        :: revokedHere -> outcome[REVOKE] = DONE
        :: else -> outcome[REVOKE] = ALREADY
        fi;
        goto finished
     :: sK1 == CURRENT ->
        if
        :: sNext == 0 ->
           if :: createdHere -> goto failed :: else fi;
           createNext(false, false);
           if :: !raced -> createdHere = true :: else fi
#ifdef PROMOTE_BEFORE_PUBLISH
        :: sNext != 0 ->
#else
        :: sNext != 0 && sNext != sEdge && !edgeFailure ->
           publish(sNext);
           if :: publishFailed -> edgeFailure = true; publishFailed = false :: else fi
        :: sNext != 0 && (sNext == sEdge || edgeFailure) ->
#endif
           promote(sNext, 1, sMarkerCur, true);
           if :: !raced -> revokedHere = true; replacement = sNext :: else fi
        fi
     :: else ->
        /* NEXT or PREVIOUS (or a torn read of CURRENT): revoke alone, clearing pendingKid if it names it */
        STEP;
        atomic {
          if
          :: state[1] != REVOKED && state[1] != CURRENT ->
             if :: pending == 1 -> pending = 0 :: else fi;
             state[1] = REVOKED; age[1] = 0; revokedHere = true
          :: else
          fi
        }
     fi;
     /* forget this round's snapshot (the next load reads a new one) */
     atomic { sNext = 0; sCur = 0; sCurCount = 0; sPending = 0; sEdge = 0; sMarkerCur = 0; sK1 = 0; sRotated = false; raced = false }
  od;

crashed:
failed:
  atomic { sNext = 0; sCur = 0; sCurCount = 0; sPending = 0; sEdge = 0; sMarkerCur = 0; sK1 = 0; sRotated = false; raced = false; publishFailed = false };
  attempt++;
  if
  :: attempt < ATTEMPTS -> goto start
  :: else -> outcome[REVOKE] = FAILED
  fi;
finished:
  skip
}

/* The daily status run (KeyRotator.status): ensureEdgeHoldsCurrent, then retire. Not retried. */
proctype status() {
  byte mode = 3;
  byte r;
  byte sNext, sCur, sCurCount, sPending, sEdge, sMarkerCur, sK1, i;
  bool sRotated, raced, publishFailed;

  runAge[mode] = 0;
  load();
  ensureEdgeHoldsCurrent();
  if :: publishFailed -> goto crashed :: else fi;
  retire();
crashed:
  skip
}

init {
  atomic {
    state[1] = CURRENT; markerCur = 1; markerEdge = 1;
    kv[0] = 1; kv[1] = 1; kvOld[0] = 1; kvOld[1] = 1;
    edgeKid[0] = 1; edgeKid[1] = 1;
    originKnown = BIT(1); originAccepted = BIT(1);
    run clock();
#ifndef XT
    run traffic();
#endif
#ifndef XSCHED
    run rotate(SCHEDULED);
#else
    outcome[SCHEDULED] = DONE;
#endif
#ifndef XF
    run rotate(FORCED);
#else
    outcome[FORCED] = DONE;
#endif
#ifndef XR
    run revoke();
#else
    outcome[REVOKE] = DONE;
#endif
#ifndef XS
    run status()
#endif
  };
  /* P4: every run ends with one of its outcomes; a run that never ends is an invalid end state */
  (outcome[SCHEDULED] != RUNNING && outcome[FORCED] != RUNNING && outcome[REVOKE] != RUNNING);
  assert(outcome[SCHEDULED] <= FAILED && outcome[FORCED] <= FAILED && outcome[REVOKE] <= FAILED)
}

#define SCHEDULE_ONCE (scheduledCreates <= 1)

/* P5: the schedule rotates a period at most once, however often it is delivered or retried */
active proctype monitor() {
end:
  atomic { !SCHEDULE_ONCE -> assert(SCHEDULE_ONCE) }
}
