package dev.edgeperimeter.local.page;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the lines appended to a log file since the last call (a partial last line waits for its
 * newline), starting at the end the file had when the tail was created. A file that shrank (rotated or truncated) is read again from its start.
 */
final class LogTail {
  private static final int MAX_READ = 4 * 1024 * 1024;
  private final Path file;
  private long offset;
  private String partial = "";

  /** Tails {@code file} from its current end: lines written before (an earlier run's) are skipped. */
  LogTail(Path file) {
    this.file = file;
    try {
      this.offset = file != null && Files.isRegularFile(file) ? Files.size(file) : 0;
    } catch (IOException e) {
      this.offset = 0;
    }
  }

  List<String> newLines() {
    List<String> lines = new ArrayList<>();
    if (file == null || !Files.isRegularFile(file)) {
      return lines;
    }
    try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
      long length = in.length();
      if (length < offset) {
        offset = 0;
        partial = "";
      }
      int size = (int) Math.min(MAX_READ, length - offset);
      if (size <= 0) {
        return lines;
      }
      byte[] bytes = new byte[size];
      in.seek(offset);
      in.readFully(bytes);
      offset += size;
      String text = partial + new String(bytes, StandardCharsets.UTF_8);
      int start = 0;
      for (int nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
        lines.add(text.substring(start, nl));
        start = nl + 1;
      }
      partial = text.substring(start);
    } catch (IOException e) {
      // a log that cannot be read right now is read on the next call
    }
    return lines;
  }
}
