package dev.edgeperimeter.ingest;

import dev.edgeperimeter.ingest.write.EventIds;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The normalized events of one body: each event's JSON line stored back to back in one byte array
 * (no per-event objects), with parallel arrays for timestamp, position, record index and target log
 * stream. Peak memory is about the size of the normalized output plus 24 bytes per event.
 */
public final class NormalizedEvents {
  private final ByteSink data;
  private long[] timestamps = new long[256];
  private int[] offsets = new int[256];
  private int[] lengths = new int[256];
  private int[] recordIndexes = new int[256];
  private int[] streams = new int[256];
  private int count;
  private String batchKey;
  private final List<String> streamNames = new ArrayList<>();
  private final Map<String, Integer> streamIds = new HashMap<>();
  // the stream of the previous event (usually the same String instance again)
  private String lastStreamName;
  private int lastStreamId;

  public NormalizedEvents(int expectedBytes) {
    this.data = new ByteSink(expectedBytes);
  }

  public ByteSink sink() {
    return data;
  }

  /** Registers the event whose bytes were just appended at {@code offset}. */
  public void add(long timestampMillis, int offset, int length, int recordIndex, String streamName) {
    if (count == timestamps.length) {
      int n = count * 2;
      timestamps = Arrays.copyOf(timestamps, n);
      offsets = Arrays.copyOf(offsets, n);
      lengths = Arrays.copyOf(lengths, n);
      recordIndexes = Arrays.copyOf(recordIndexes, n);
      streams = Arrays.copyOf(streams, n);
    }
    int id;
    if (streamName == lastStreamName) {
      id = lastStreamId;
    } else {
      Integer known = streamIds.get(streamName);
      if (known == null) {
        known = streamNames.size();
        streamNames.add(streamName);
        streamIds.put(streamName, known);
      }
      id = known;
      lastStreamName = streamName;
      lastStreamId = id;
    }
    timestamps[count] = timestampMillis;
    offsets[count] = offset;
    lengths[count] = length;
    recordIndexes[count] = recordIndex;
    streams[count] = id;
    count++;
  }

  /**
   * Writes the body's batch key into every event's id (see {@link EventIds}); until then the
   * ids hold a placeholder. Called once the body's identity is known.
   */
  public void stampBatchKey(String key) {
    byte[] k = key.getBytes(StandardCharsets.US_ASCII);
    if (k.length != EventIds.KEY_LENGTH) {
      throw new IllegalArgumentException("batch key must have " + EventIds.KEY_LENGTH + " characters");
    }
    byte[] bytes = data.array();
    for (int e = 0; e < count; e++) {
      System.arraycopy(k, 0, bytes, offsets[e] + EventIds.keyOffset(timestamps[e]), k.length);
    }
    batchKey = key;
  }

  /** The event's id as stored ({@code <batch key>-<record index>}), once the key is stamped. */
  public String eventId(int event) {
    if (batchKey == null) {
      throw new IllegalStateException("batch key not stamped yet");
    }
    return EventIds.id(batchKey, recordIndexes[event]);
  }

  /** The batch key stamped into the ids, or null. */
  public String batchKey() {
    return batchKey;
  }

  public int count() {
    return count;
  }

  public long timestamp(int event) {
    return timestamps[event];
  }

  public int recordIndex(int event) {
    return recordIndexes[event];
  }

  /** UTF-8 size of the event's message, as PutLogEvents counts it (without the 26-byte overhead). */
  public int byteLength(int event) {
    return lengths[event];
  }

  public int streamId(int event) {
    return streams[event];
  }

  public String streamName(int streamId) {
    return streamNames.get(streamId);
  }

  public int streamCount() {
    return streamNames.size();
  }

  /** The event's JSON line as a String (allocated on demand, one batch at a time). */
  public String message(int event) {
    return new String(data.array(), offsets[event], lengths[event], StandardCharsets.UTF_8);
  }

  /** Total bytes of all event lines. */
  public int totalBytes() {
    return data.size();
  }
}
