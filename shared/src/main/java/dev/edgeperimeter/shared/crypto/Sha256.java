package dev.edgeperimeter.shared.crypto;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;

/** SHA-256 of a byte array, with the JDK's provider (every JDK has it). */
public final class Sha256 {
  private Sha256() {
  }

  public static byte[] digest(byte[] data) {
    return newDigest().digest(data);
  }

  /** A fresh {@code SHA-256} {@link MessageDigest}. */
  public static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
