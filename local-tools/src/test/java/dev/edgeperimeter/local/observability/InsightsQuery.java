package dev.edgeperimeter.local.observability;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The field names a CloudWatch Logs Insights query reads, found by parsing it: string and regex
 * literals removed, function names, commands, keywords and durations
 * left out; names the query defines itself ({@code as x}, {@code (?<x>...)} in a {@code parse}
 * regex) and the built-in {@code @} fields are not reads of what the functions write.
 */
final class InsightsQuery {
  private static final Set<String> WORDS = Set.of("fields", "filter", "stats", "sort", "limit", "parse", "display",
      "dedup", "as", "by", "and", "or", "not", "like", "in", "asc", "desc", "SOURCE", "unmask", "pattern", "diff");
  private static final Set<String> BUILT_IN = Set.of("@timestamp", "@message", "@log", "@logStream", "@ingestionTime");
  private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'");
  /** A regex literal: after {@code like}, {@code =~} or {@code parse <field>} (group 1 kept). */
  private static final Pattern REGEX = Pattern.compile("(\\blike\\s+|=~\\s*|\\bparse\\s+[\\w.@]+\\s+)/(?:[^/\\\\]|\\\\.)*/");
  private static final Pattern GROUP = Pattern.compile("\\(\\?<([A-Za-z_][A-Za-z0-9_]*)>");
  private static final Pattern ALIAS = Pattern.compile("\\bas\\s+([A-Za-z_][A-Za-z0-9_.]*)");
  private static final Pattern NAME = Pattern.compile("(?<![\\w.@])(@?[A-Za-z_][A-Za-z0-9_.]*)(\\s*\\()?");

  final Set<String> reads = new LinkedHashSet<>();
  final Set<String> defines = new LinkedHashSet<>();

  InsightsQuery(String query) {
    String q = query;
    Matcher regex = REGEX.matcher(q);
    StringBuilder noRegex = new StringBuilder();
    while (regex.find()) {
      Matcher g = GROUP.matcher(regex.group());
      while (g.find()) {
        defines.add(g.group(1));
      }
      regex.appendReplacement(noRegex, Matcher.quoteReplacement(regex.group(1)) + " ");
    }
    regex.appendTail(noRegex);
    q = STRING.matcher(noRegex.toString()).replaceAll(" ");
    Matcher alias = ALIAS.matcher(q);
    while (alias.find()) {
      defines.add(alias.group(1));
    }
    Matcher name = NAME.matcher(q);
    while (name.find()) {
      String n = name.group(1);
      boolean function = name.group(2) != null;
      if (function || WORDS.contains(n) || BUILT_IN.contains(n) || defines.contains(n)) {
        continue;
      }
      reads.add(n);
    }
    reads.removeAll(defines);
  }
}
