package dev.edgeperimeter.shared.snapstart;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

/**
 * A function's SnapStart priming ({@code org.crac}) as named, best-effort steps. A function's
 * {@code Priming} extends this and adds its own steps with {@link #step}; {@link #prime()} runs them
 * in the order they were added and records which completed. A step that throws (or fails to link)
 * counts as not completed and never escapes: priming can never break a deployment.
 *
 * <p>Before a checkpoint the steps run once; a subclass that must do more around them (wait for a
 * warm-up, release connections) overrides {@link #beforeCheckpoint}. Nothing is redone after a
 * restore.
 */
public abstract class PrimingSteps implements Resource {
  /** One priming step: returns whether it completed. */
  @FunctionalInterface
  protected interface Step {
    boolean run() throws Exception;
  }

  private final Map<String, Step> steps = new LinkedHashMap<>();
  private volatile List<String> lastRun = List.of();

  /**
   * Adds the steps a subclass defines lazily, called once before the first {@link #prime()}: a
   * subclass that would rather not build its steps during a cold start (only a snapshot needs
   * them) adds them here instead of in its constructor.
   */
  protected void defineSteps() {
  }

  private boolean defined;

  private synchronized void ensureDefined() {
    if (!defined) {
      defined = true;
      defineSteps();
    }
  }

  /** Adds the step {@code name}, run after the steps added before it. */
  protected final void step(String name, Step step) {
    if (steps.putIfAbsent(name, step) != null) {
      throw new IllegalArgumentException("priming step '" + name + "' added twice");
    }
  }

  /** Registers with the global CRaC context (a no-op outside a CRaC/SnapStart JVM). */
  public final void register() {
    Core.getGlobalContext().register(this);
  }

  /**
   * Runs every step once, swallowing failures.
   *
   * @return the names of the steps that completed, in the order they were added
   */
  public final List<String> prime() {
    ensureDefined();
    List<String> done = new ArrayList<>();
    steps.forEach((name, step) -> {
      try {
        if (step.run()) {
          done.add(name);
        }
      } catch (Exception | LinkageError | StackOverflowError e) {
        // swallowed: priming is best effort and must never fail a deployment
      }
    });
    lastRun = List.copyOf(done);
    return lastRun;
  }

  /** The steps that completed in the last {@link #prime()} run (empty before the first). */
  public final List<String> lastRun() {
    return lastRun;
  }

  /** Runs the steps ({@link #prime()}). */
  @Override
  public void beforeCheckpoint(Context<? extends Resource> context) {
    prime();
  }

  /** Nothing to redo: priming captures nothing that must differ per restored instance. */
  @Override
  public void afterRestore(Context<? extends Resource> context) {
  }
}
