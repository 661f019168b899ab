package dev.edgeperimeter.authorizer.keys;

import dev.edgeperimeter.authorizer.core.Rejection;

/** Finds the shared key an edge assertion names. */
public interface EdgeKeyResolver {

  /**
   * The accepted key {@code kid} at {@code nowEpochSeconds}.
   *
   * @throws Rejection {@code unknown_kid}, {@code key_inactive} or {@code keys_unavailable}
   */
  Match resolve(String kid, long nowEpochSeconds) throws Rejection;

  /**
   * @param key      the accepted key
   * @param degraded the key set was served past its refresh time because its source failed
   */
  record Match(EdgeKey key, boolean degraded) {
  }
}
