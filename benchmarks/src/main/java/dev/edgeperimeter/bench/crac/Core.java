package dev.edgeperimeter.bench.crac;

import java.util.ArrayList;
import java.util.List;

/**
 * A CRaC implementation for a plain JVM, so a benchmark can run SnapStart's priming hooks: start a
 * JVM with {@code -Dorg.crac.Core.Compat=dev.edgeperimeter.bench.crac} and {@code org.crac}
 * (the API the functions use) forwards every {@code Core.getGlobalContext().register(resource)} to
 * this class instead of dropping it. {@link #checkpointRestore()} then does what SnapStart does
 * around its snapshot, minus the snapshot: every {@code beforeCheckpoint} (in reverse registration
 * order, as CRaC does), then every {@code afterRestore} (in registration order).
 */
public final class Core {
  private static final Global GLOBAL = new Global();

  private Core() {
  }

  /** The global context (looked up reflectively by {@code org.crac}). */
  public static Context<Resource> getGlobalContext() {
    return GLOBAL;
  }

  /** Runs the hooks of every registered resource. */
  public static void checkpointRestore() throws CheckpointException, RestoreException {
    GLOBAL.checkpointRestore();
  }

  /** Resources registered so far. */
  public static int registered() {
    return GLOBAL.size();
  }

  private static final class Global extends Context<Resource> {
    private final List<Resource> resources = new ArrayList<>();

    @Override
    public synchronized void register(Resource resource) {
      resources.add(resource);
    }

    synchronized int size() {
      return resources.size();
    }

    synchronized void checkpointRestore() throws CheckpointException, RestoreException {
      CheckpointException before = new CheckpointException();
      for (int i = resources.size() - 1; i >= 0; i--) {
        try {
          resources.get(i).beforeCheckpoint(this);
        } catch (Exception e) {
          before.addSuppressed(e);
        }
      }
      if (before.getSuppressed().length > 0) {
        throw before;
      }
      RestoreException after = new RestoreException();
      for (Resource r : resources) {
        try {
          r.afterRestore(this);
        } catch (Exception e) {
          after.addSuppressed(e);
        }
      }
      if (after.getSuppressed().length > 0) {
        throw after;
      }
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
      // the global context has no hooks of its own
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
      // the global context has no hooks of its own
    }
  }
}
