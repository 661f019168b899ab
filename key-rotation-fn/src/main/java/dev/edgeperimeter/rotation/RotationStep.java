package dev.edgeperimeter.rotation;

/** The steps of a rotation, each safe to repeat and to interrupt (named in failures and fault hooks). */
public enum RotationStep {
  /** Create the new key as NEXT (and claim the period). */
  CREATE,
  /** Write the key to the edge store and confirm it reads back. */
  PUBLISH,
  /** Record which key the edge store holds. */
  RECORD_PUBLISHED,
  /** NEXT becomes CURRENT and CURRENT becomes PREVIOUS (or REVOKED), in one transaction. */
  PROMOTE,
  /** PREVIOUS keys past the grace period become RETIRED. */
  RETIRE,
  /** A key becomes REVOKED. */
  REVOKE
}
