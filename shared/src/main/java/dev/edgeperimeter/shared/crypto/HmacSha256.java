package dev.edgeperimeter.shared.crypto;

import java.security.MessageDigest;
import java.util.Arrays;

/**
 * HMAC-SHA256 (RFC 2104) over the JDK's {@code SHA-256} {@link MessageDigest}: the key's inner and
 * outer pads are hashed once, and every MAC clones those two states.
 *
 * <p>Why not {@code javax.crypto.Mac}: the first {@code Mac.getInstance} in a JVM initialises the
 * JCE framework (jurisdiction policy files, provider verification), about 25 ms of a cold start
 * that the authorizer otherwise never needs. The output is identical to the JCA's
 * {@code HmacSHA256} for every key and message (a property test checks it).
 *
 * <p>An instance is immutable after construction and safe to share between threads.
 */
public final class HmacSha256 {
  public static final int BLOCK_BYTES = 64;
  public static final int MAC_BYTES = 32;

  private final MessageDigest inner;
  private final MessageDigest outer;

  public HmacSha256(byte[] key) {
    byte[] k = key.length > BLOCK_BYTES ? Sha256.digest(key) : key;
    byte[] ipad = new byte[BLOCK_BYTES];
    byte[] opad = new byte[BLOCK_BYTES];
    for (int i = 0; i < BLOCK_BYTES; i++) {
      byte b = i < k.length ? k[i] : 0;
      ipad[i] = (byte) (b ^ 0x36);
      opad[i] = (byte) (b ^ 0x5c);
    }
    inner = Sha256.newDigest();
    inner.update(ipad);
    outer = Sha256.newDigest();
    outer.update(opad);
    Arrays.fill(ipad, (byte) 0);
    Arrays.fill(opad, (byte) 0);
  }

  /** The MAC of {@code data}. */
  public byte[] mac(byte[] data) {
    return mac(data, 0, data.length);
  }

  /** The MAC of {@code data[offset, offset + length)}. */
  public byte[] mac(byte[] data, int offset, int length) {
    MessageDigest in = copy(inner);
    in.update(data, offset, length);
    MessageDigest out = copy(outer);
    out.update(in.digest());
    return out.digest();
  }

  /** Whether {@code expected} is the MAC of {@code data}, compared in constant time. */
  public boolean verify(byte[] data, byte[] expected) {
    return expected != null && MessageDigest.isEqual(mac(data), expected);
  }

  /** One-shot convenience: HMAC-SHA256 of {@code data} under {@code key}. */
  public static byte[] mac(byte[] key, byte[] data) {
    return new HmacSha256(key).mac(data);
  }

  private static MessageDigest copy(MessageDigest primed) {
    try {
      return (MessageDigest) primed.clone(); // the primed states are never updated again
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("the JDK's SHA-256 cannot be cloned", e);
    }
  }
}
