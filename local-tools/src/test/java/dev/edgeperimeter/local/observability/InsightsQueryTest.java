package dev.edgeperimeter.local.observability;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The Logs Insights field reader the dashboard guard relies on: what counts as a read field. */
class InsightsQueryTest {

  @Test
  @DisplayName("fields, filters and stats arguments are reads; functions, commands and keywords are not")
  void readsAndKeywords() {
    InsightsQuery q = new InsightsQuery("fields @timestamp, coalesce(source, service) as origin | filter kind = \"ew-log\" "
        + "and not ispresent(level) or jti like /abc/ | stats count(*) by bin(5m), ew.handler | sort @timestamp desc | limit 20");
    assertThat(q.reads).containsExactlyInAnyOrder("source", "service", "kind", "level", "jti", "ew.handler");
    assertThat(q.defines).containsExactly("origin");
  }

  @Test
  @DisplayName("text inside string literals is never a field, even when it looks like one")
  void stringsIgnored() {
    InsightsQuery q = new InsightsQuery("filter reqId = \"decision reason\" or @message like 'kind=x' | fields msg");
    assertThat(q.reads).containsExactlyInAnyOrder("reqId", "msg");
  }

  @Test
  @DisplayName("named groups of a parse regex and 'as' aliases are defined by the query, not read from the logs")
  void definedNames() {
    InsightsQuery q = new InsightsQuery("parse @message /decision=(?<edgeDecision>[a-z_]+) reason=(?<edgeReason>\\S+)/ "
        + "| filter ispresent(edgeDecision) | stats count(*) as requests by edgeDecision, edgeReason | sort requests desc");
    assertThat(q.reads).isEmpty();
    assertThat(q.defines).contains("edgeDecision", "edgeReason", "requests");
  }

  @Test
  @DisplayName("arithmetic on built-in fields and percentile arguments read nothing the functions write")
  void builtIns() {
    InsightsQuery q = new InsightsQuery("fields @ingestionTime - @timestamp as lagMs | stats avg(lagMs) as avgLagMs, "
        + "pct(lagMs, 99) as p99LagMs by bin(5m)");
    assertThat(q.reads).isEmpty();
  }

  @Test
  @DisplayName("a misspelt field is a read (so the guard catches it)")
  void misspelling() {
    assertThat(new InsightsQuery("filter requestId = \"x\"").reads).containsExactly("requestId");
  }
}
