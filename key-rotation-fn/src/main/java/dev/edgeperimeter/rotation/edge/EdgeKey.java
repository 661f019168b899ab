package dev.edgeperimeter.rotation.edge;

import java.util.Arrays;

/**
 * A key on its way to the edge: id, algorithm, the plaintext 32-byte material and the epoch
 * second after which the edge must stop signing with it. {@link #toString()} never shows the
 * material; call {@link #destroy()} when done so the plaintext does not linger.
 */
public final class EdgeKey implements AutoCloseable {
  private final String kid;
  private final String alg;
  private final byte[] material;
  private final long notAfter;

  public EdgeKey(String kid, String alg, byte[] material, long notAfter) {
    this.kid = kid;
    this.alg = alg;
    this.material = material.clone();
    this.notAfter = notAfter;
  }

  public String kid() {
    return kid;
  }

  public String alg() {
    return alg;
  }

  /** A copy of the plaintext material. */
  public byte[] material() {
    return material.clone();
  }

  public long notAfter() {
    return notAfter;
  }

  /** Overwrites the plaintext held by this object. */
  public void destroy() {
    Arrays.fill(material, (byte) 0);
  }

  @Override
  public void close() {
    destroy();
  }

  @Override
  public String toString() {
    return "EdgeKey[kid=" + kid + ", alg=" + alg + ", notAfter=" + notAfter + "]";
  }
}
