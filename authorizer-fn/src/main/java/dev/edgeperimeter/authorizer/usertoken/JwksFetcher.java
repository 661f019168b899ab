package dev.edgeperimeter.authorizer.usertoken;

/** Fetches the issuer's JWKS document (JSON text). Implementations throw on any failure. */
@FunctionalInterface
public interface JwksFetcher {
  /**
   * @return the JWKS JSON
   * @throws RuntimeException when it cannot be fetched (network, status, size)
   */
  String fetch();

  /**
   * Drops any open connection (called before a SnapStart snapshot, so none is captured); the next
   * {@link #fetch()} reconnects. Nothing to do by default.
   */
  default void releaseConnections() {
  }
}
