package dev.edgeperimeter.ingest.normalize;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The DataStream 2 field names of one body, each resolved once to a {@link Ds2Role} and its encoded
 * output name, and the duplicate-key check of a record's own fields.
 *
 * <p>DataStream 2 sends the same fields in the same order in every record and Jackson interns
 * names, so each field remembers the one that followed it last time: the usual lookup is one
 * reference comparison. Duplicates: each field stamps the record it was last seen in; past
 * {@link #MAX_CACHED_FIELDS} distinct names, the rest are checked with a set per record.
 */
final class Ds2FieldTable {
  /** Distinct field names remembered per body. */
  private static final int MAX_CACHED_FIELDS = 1024;

  /** One field name of the body. */
  static final class Field {
    final String name;
    final Ds2Role role;
    final byte[] encoded;
    final boolean cached;
    int seenInRecord;
    Field next;

    Field(String name, boolean cached) {
      this.name = name;
      this.role = name == null ? Ds2Role.PLAIN : Ds2Role.of(name);
      this.encoded = name == null ? null : JsonValues.encodeName(role.outputName(name));
      this.cached = cached;
    }
  }

  private final Map<String, Field> fields = new HashMap<>(128);
  private final Field recordStart = new Field(null, true);
  private int recordNumber;
  private Set<String> uncachedNames;
  private Field previous;

  /** Starts the next record. */
  void beginRecord() {
    recordNumber++;
    previous = recordStart;
    if (uncachedNames != null) {
      uncachedNames.clear();
    }
  }

  /** The field named {@code name} (the parser's current name), refusing a second one in the same record. */
  Field next(String name, JsonParser p) throws JsonParseException {
    Field f = previous.next;
    if (f == null || f.name != name) {
      f = lookup(name);
      previous.next = f;
    }
    previous = f;
    if (f.cached) {
      if (f.seenInRecord == recordNumber) {
        throw JsonValues.duplicate(p, name);
      }
      f.seenInRecord = recordNumber;
    } else {
      if (uncachedNames == null) {
        uncachedNames = new HashSet<>();
      }
      if (!uncachedNames.add(name)) {
        throw JsonValues.duplicate(p, name);
      }
    }
    return f;
  }

  private Field lookup(String name) {
    Field f = fields.get(name);
    if (f == null) {
      boolean cache = fields.size() < MAX_CACHED_FIELDS;
      f = new Field(name, cache);
      if (cache) {
        fields.put(name, f);
      }
    }
    return f;
  }
}
