package dev.edgeperimeter.ingest;

/** Waits between retries; tests inject one that records the delays instead of sleeping. */
@FunctionalInterface
public interface Sleeper {
  void sleep(long millis) throws InterruptedException;

  Sleeper SYSTEM = Thread::sleep;
}
