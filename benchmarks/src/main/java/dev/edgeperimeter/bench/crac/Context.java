package dev.edgeperimeter.bench.crac;

/** A context resources register with (the stand-in's global context is {@link Core#getGlobalContext()}). */
public abstract class Context<R extends Resource> implements Resource {
  protected Context() {
  }

  public abstract void register(R resource);
}
