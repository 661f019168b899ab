package dev.edgeperimeter.shared.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;

/**
 * The Jackson {@link JsonFactory} every module parses with: duplicate object keys are errors (a
 * JSON object with two {@code alg} members is ambiguous, so it is rejected), nesting and string
 * sizes are capped so hostile input stays cheap. Modules that need data binding build their one
 * static {@code ObjectMapper} on {@link #FACTORY}; the authorizer streams with it directly and
 * carries no data-binding code at all.
 */
public final class JsonLimits {
  /** Deeper than any record or token we accept; deeper input is refused, not recursed into. */
  public static final int MAX_NESTING_DEPTH = 32;
  /** Longest single JSON string accepted (a DataStream 2 field or a log message). */
  public static final int MAX_STRING_LENGTH = 6 * 1024 * 1024;

  public static final JsonFactory FACTORY = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder()
          .maxNestingDepth(MAX_NESTING_DEPTH)
          .maxStringLength(MAX_STRING_LENGTH)
          .build())
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();

  private JsonLimits() {
  }
}
