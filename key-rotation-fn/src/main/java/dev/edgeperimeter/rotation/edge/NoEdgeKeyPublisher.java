package dev.edgeperimeter.rotation.edge;

/** {@code EDGE_PUBLISHER=none}: keys are only rotated in the key table (for stacks without an edge). */
public final class NoEdgeKeyPublisher implements EdgeKeyPublisher {
  @Override
  public boolean enabled() {
    return false;
  }

  @Override
  public String describe() {
    return "none";
  }

  @Override
  public void publish(EdgeKey key) {
    // nothing to publish to
  }
}
