package dev.edgeperimeter.rotation.edge;

/** Supplies the current {@link PublishSecret}; implementations may cache it briefly. */
@FunctionalInterface
public interface PublishSecretSource {
  PublishSecret get();
}
