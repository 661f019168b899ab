package dev.edgeperimeter.ingest;

import java.util.Set;

/**
 * Remembers which bodies (by identity) were stored, and for a body stored only partly, which of
 * its batches ("chunks", numbered in {@link PutLogEventsBatcher}'s deterministic order) are
 * already in CloudWatch Logs and which were sent without a known outcome ("pending"). This makes
 * delivery exactly-once as far as the sender can see: a repeat of a stored body stores nothing; a
 * retry after a partial failure stores only the rest; a pending chunk is first looked for in its
 * log stream (by event id) and only its missing events are sent again.
 *
 * <p>Every call takes the invocation's {@link TimeBudget}: an implementation backed by a remote
 * store bounds each call by it and refuses ({@link StoreUnavailableException}) to start one when
 * too little time is left.
 */
public interface IngestLedger {

  /**
   * What is known about a body.
   *
   * @param complete every chunk stored (or individually rejected)
   * @param storedChunks chunks known to be in CloudWatch Logs
   * @param pendingChunks chunks that were (or were about to be) sent without their outcome being
   *     recorded: some or all of their events may be stored; look before sending them again
   */
  record Entry(boolean complete, Set<Integer> storedChunks, Set<Integer> pendingChunks) {
    public static final Entry NEW = new Entry(false, Set.of(), Set.of());

    public Entry(boolean complete, Set<Integer> storedChunks) {
      this(complete, storedChunks, Set.of());
    }
  }

  Entry read(String identity, TimeBudget budget) throws StoreUnavailableException;

  /**
   * Takes the body's storing lease for {@code owner} until {@code untilMillis} (epoch ms), unless
   * another owner holds an unexpired one: two deliveries of the same body racing each other must
   * not both store it.
   *
   * @return the entry as of taking the lease, or null when another owner holds it
   */
  Entry acquire(String identity, String owner, long untilMillis, TimeBudget budget) throws StoreUnavailableException;

  /** Gives the lease back (only if {@code owner} still holds it), so a retry need not wait for expiry. */
  void release(String identity, String owner, TimeBudget budget) throws StoreUnavailableException;

  /**
   * Records that chunk {@code chunk} of {@code chunkCount} is about to be sent: from now on its
   * outcome is unknown until {@link #chunkStored}. Written before the first PutLogEvents of the
   * chunk, so that a crash, a timeout or a lost response leaves a trace the next delivery sees.
   */
  void chunkPending(String identity, int chunk, int chunkCount, TimeBudget budget) throws StoreUnavailableException;

  /** Records that chunk {@code chunk} of {@code chunkCount} is stored (and no longer pending). */
  void chunkStored(String identity, int chunk, int chunkCount, TimeBudget budget) throws StoreUnavailableException;

  /** Records that every chunk of the body is stored (or individually rejected); ends the lease. */
  void complete(String identity, int chunkCount, int accepted, int rejected, TimeBudget budget)
      throws StoreUnavailableException;
}
