package dev.edgeperimeter.shared.time;

import java.time.Duration;

/**
 * A point in time by which a piece of work (for example one key-set refresh: a DynamoDB query and
 * every KMS decrypt behind it) must be over. Measured on {@link System#nanoTime()}, so a wall-clock
 * jump or a SnapStart restore cannot stretch it. Each call inside the work asks
 * {@link #remaining()} and gives the SDK that much as its call timeout.
 */
public final class Deadline {
  private static final Deadline NONE = new Deadline(Long.MAX_VALUE, true);

  private final long endNanos;
  private final boolean unbounded;

  private Deadline(long endNanos, boolean unbounded) {
    this.endNanos = endNanos;
    this.unbounded = unbounded;
  }

  /** A deadline {@code budget} from now. */
  public static Deadline in(Duration budget) {
    return new Deadline(System.nanoTime() + budget.toNanos(), false);
  }

  /** No deadline: each call keeps its client's own timeouts (key rotation, tests). */
  public static Deadline none() {
    return NONE;
  }

  public boolean bounded() {
    return !unbounded;
  }

  /** What is left; zero once passed. Only meaningful when {@link #bounded()}. */
  public Duration remaining() {
    return Duration.ofNanos(Math.max(0, endNanos - System.nanoTime()));
  }

  public boolean expired() {
    return bounded() && endNanos - System.nanoTime() <= 0;
  }

  /**
   * The time the next call may take: what is left, or {@code ceiling} when that is less.
   *
   * @throws DeadlineExceededException when nothing is left
   */
  public Duration callBudget(Duration ceiling) {
    if (unbounded) {
      return ceiling;
    }
    Duration left = remaining();
    if (left.isZero()) {
      throw new DeadlineExceededException("the deadline passed before the call started");
    }
    return left.compareTo(ceiling) < 0 ? left : ceiling;
  }

  /** Thrown when work would start after its deadline. */
  public static final class DeadlineExceededException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DeadlineExceededException(String message) {
      super(message);
    }
  }
}
