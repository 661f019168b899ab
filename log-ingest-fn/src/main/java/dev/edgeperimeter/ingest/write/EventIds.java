package dev.edgeperimeter.ingest.write;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Every stored event carries a deterministic id, {@code "eid":"<batch key>-<record index>"}, right
 * after its timestamp. The record index has at least {@link #INDEX_DIGITS} digits (zero-padded),
 * so an event's size does not depend on its position in the body. The batch key is the first 16 hex digits of the SHA-256 of the body's
 * identity ({@code ds2#<body hash>} or {@code ew#<batchId>}), the record index its position in the
 * body. The same record of a redelivered body therefore gets the same id, which lets the function
 * look for an event it may already have stored, and queries de-duplicate on it.
 *
 * <p>The key is not known while the body is parsed (a DataStream 2 body's hash is computed only
 * when needed, an EdgeWorker batch names its {@code batchId} anywhere), so the writer leaves
 * {@link #KEY_LENGTH} placeholder digits that {@code NormalizedEvents.stampBatchKey} fills in later.
 */
public final class EventIds {
  /** Hex digits of the batch key. */
  public static final int KEY_LENGTH = 16;
  /** Digits the record index is padded to (a 5 MiB body holds fewer than 10^7 records). */
  static final int INDEX_DIGITS = 7;
  /** The member as written after {@code {"ts":<digits>}. */
  static final String MEMBER = ",\"eid\":\"";
  static final byte[] PLACEHOLDER = "0".repeat(KEY_LENGTH).getBytes(StandardCharsets.US_ASCII);

  private EventIds() {
  }

  /** The batch key of a body identity. */
  public static String key(String identity) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, KEY_LENGTH / 2);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing from the JDK", e);
    }
  }

  /** The id of record {@code recordIndex} of the body with {@code key}. */
  public static String id(String key, int recordIndex) {
    String index = Integer.toString(recordIndex);
    return key + "-" + "0".repeat(Math.max(0, INDEX_DIGITS - index.length())) + index;
  }

  /** Where the key starts inside an event line written with timestamp {@code ts} (ts >= 0). */
  public static int keyOffset(long ts) {
    return "{\"ts\":".length() + digits(ts) + MEMBER.length();
  }

  /** The id in a stored event's message, or null when it carries none. */
  public static String idOf(String message) {
    int at = message.indexOf(MEMBER);
    if (at < 0) {
      return null;
    }
    int start = at + MEMBER.length();
    int end = message.indexOf('"', start);
    return end < 0 ? null : message.substring(start, end);
  }

  static int digits(long v) {
    int n = 1;
    while (v >= 10) {
      v /= 10;
      n++;
    }
    return n;
  }
}
