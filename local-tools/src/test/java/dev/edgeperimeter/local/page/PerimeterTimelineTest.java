package dev.edgeperimeter.local.page;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgeperimeter.testsupport.MutableClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The timeline's joins, from the lines the parts really write (shapes copied from a local stack
 * run): edge decision + authorizer decision + backend answer + ingested lines on one row per
 * request id, newest first; rejections without a request id on rows of their own; counters; junk
 * ignored.
 */
class PerimeterTimelineTest {
  private static final String J1 = "1a93c655-7aa0-43ce-b975-92bc6a133df3";
  private static final String J2 = "c709ad69-ba71-41ef-8ac0-84edabb97410";

  @TempDir
  Path dir;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-04T04:05:40Z"));
  private final List<String> ingested = new ArrayList<>();
  private PerimeterTimeline timeline;

  @BeforeEach
  void create() {
    timeline = new PerimeterTimeline(new PerimeterTimeline.Sources(dir.resolve("edge.log"), dir.resolve("authorizer.log"),
        dir.resolve("access.log"), () -> List.copyOf(ingested)), clock, RollingBaseline.localDefaults());
  }

  private void append(String file, String... lines) throws IOException {
    Files.writeString(dir.resolve(file), String.join("\n", lines) + "\n", StandardCharsets.UTF_8,
        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  private static String decision(String time, String decision, String reason, String jti) {
    return "{\"timestamp\":\"" + time + "\",\"level\":\"INFO\",\"message\":\"authorizer decision\",\"service\":\"authorizer\","
        + "\"cold_start\":false,\"eventType\":\"REQUEST\",\"decision\":\"" + decision + "\",\"reason\":\"" + reason + "\""
        + (jti == null ? "" : ",\"kid\":\"2026-12.wOzX20EXF77N\",\"jti\":\"" + jti + "\"") + ",\"degraded\":false,\"latencyMicros\":800}";
  }

  private static JsonNode row(ObjectNode view, String requestId) {
    for (JsonNode r : view.path("rows")) {
      if (requestId.equals(r.path("requestId").asText(null))) {
        return r;
      }
    }
    throw new AssertionError("no row " + requestId + " in " + view.toPrettyString());
  }

  @Test
  @DisplayName("edge forward, authorizer Allow, backend 200 and the ingested line share one row (the request id)")
  void joinedByRequestId() throws IOException {
    append("edge.log", "EDGE_LISTENING port=36499",
        "EW_LOG decision=pass reason=ok sub=537eea89 handler=onClientRequest",
        "EW_LOG decision=forward reason=ok kid=2026-12.wOzX20EXF77N jti=" + J1 + " sub=537eea89 htm=GET handler=onOriginRequest");
    append("authorizer.log", decision("2026-12-04T04:05:34.580Z", "Allow", "ok", J1),
        "{\"_aws\":{\"Timestamp\":1796357135109},\"service\":\"authorizer\",\"reason\":\"ok\",\"Allow\":1}");
    append("access.log", "570b826b-f62b GET /prod/orders/42 200 authorizer=invoked/allow jti=" + J1 + " 447ms");
    ingested.add("{\"source\":\"edgeworker\",\"kind\":\"ew-log\",\"reqId\":\"" + J1 + "\",\"level\":\"info\",\"msg\":\"hello\"}");

    ObjectNode view = timeline.snapshot();
    assertThat(view.path("rows")).hasSize(1);
    JsonNode r = row(view, J1);
    assertThat(r.path("edge").path("decision").asText()).isEqualTo("forward");
    assertThat(r.path("origin").path("decision").asText()).isEqualTo("Allow");
    assertThat(r.path("origin").path("reason").asText()).isEqualTo("ok");
    assertThat(r.path("backend").path("status").asInt()).isEqualTo(200);
    assertThat(r.path("backend").path("by").asText()).isEqualTo("backend");
    assertThat(r.path("method").asText() + " " + r.path("path").asText()).isEqualTo("GET /prod/orders/42");
    assertThat(r.path("time").asText()).isEqualTo("2026-12-04T04:05:34.580Z");
    assertThat(r.path("ingested").get(0).path("text").asText()).isEqualTo("hello");
  }

  @Test
  @DisplayName("a scope refusal is answered 403 by API Gateway on the request's row; the gateway's line adds no row")
  void denyJoined() throws IOException {
    append("edge.log", "EW_LOG decision=forward reason=ok kid=k jti=" + J2 + " htm=POST handler=onOriginRequest");
    append("authorizer.log", decision("2026-12-04T04:05:35.109Z", "Deny", "scope_denied", J2));
    append("access.log", "405f283d POST /prod/orders 403 authorizer=invoked/deny 168ms");
    ObjectNode view = timeline.snapshot();
    assertThat(view.path("rows")).hasSize(1);
    JsonNode r = row(view, J2);
    assertThat(r.path("backend").path("status").asInt()).isEqualTo(403);
    assertThat(r.path("backend").path("by").asText()).isEqualTo("API Gateway");
    assertThat(view.path("counters").path("origin").get(0).path("reason").asText()).isEqualTo("scope_denied");
  }

  @Test
  @DisplayName("rejections without a request id (refused at the edge, forged straight to the gateway) are rows of their own, newest first")
  void unjoinedRowsNewestFirst() throws IOException {
    append("edge.log", "EW_LOG decision=reject reason=missing_token handler=onClientRequest");
    timeline.snapshot();
    clock.advance(Duration.ofSeconds(2));
    append("authorizer.log", decision("2026-12-04T04:05:41.000Z", "Unauthorized", "bad_signature", null));
    append("access.log", "c206efe2 GET /prod/orders/42 401 authorizer=unauthorized 31ms",
        "d206efe2 GET /prod/orders/42 401 authorizer=missing-identity 1ms");
    clock.advance(Duration.ofSeconds(1));
    ObjectNode view = timeline.snapshot();
    JsonNode rows = view.path("rows");
    assertThat(rows).hasSize(3);
    assertThat(rows.get(0).path("backend").path("authorizer").asText()).isEqualTo("missing-identity");
    assertThat(rows.get(1).path("origin").path("reason").asText()).isEqualTo("bad_signature");
    assertThat(rows.get(1).path("backend").path("status").asInt()).isEqualTo(401);
    assertThat(rows.get(2).path("edge").path("reason").asText()).isEqualTo("missing_token");
    assertThat(rows.get(2).path("backend").path("answer").asText()).isEqualTo("refused at the edge");
    assertThat(view.path("counters").path("edge").get(0).path("count").asInt()).isEqualTo(1);
  }

  @Test
  @DisplayName("a burst of forged assertions raises the flag, labelled as the local stand-in")
  void burstFlagged() throws IOException {
    for (int i = 0; i < 8; i++) {
      append("authorizer.log", decision("2026-12-04T04:05:3" + i + ".000Z", "Unauthorized", "bad_signature", null));
    }
    ObjectNode view = timeline.snapshot();
    assertThat(view.path("anomaly").path("flagged").asBoolean()).isTrue();
    assertThat(view.path("anomaly").path("label").asText()).startsWith("local stand-in for the AWS anomaly detectors");
    assertThat(view.path("anomaly").path("reasons").get(0).path("reason").asText()).isEqualTo("origin bad_signature");
  }

  @Test
  @DisplayName("junk, partial lines and hostile values never break the view; a partial line is read once complete")
  void junkIgnored() throws IOException {
    append("edge.log", "EW_LOG", "EW_LOG decision=", "random text", "EW_LOG reason=ok");
    append("authorizer.log", "{not json", "[1,2]", "{\"decision\":1,\"reason\":{}}", "{\"decision\":\"Allow\"}");
    append("access.log", "short line", "a b c d e f g");
    ingested.add("not json");
    ingested.add("{\"reqId\":\"<script>\",\"msg\":\"x\"}");
    Files.writeString(dir.resolve("edge.log"), "EW_LOG decision=reject reason=bad_token",
        StandardOpenOption.APPEND);
    ObjectNode view = timeline.snapshot();
    assertThat(view.path("rows")).hasSize(1);
    assertThat(view.path("counters").path("edge")).isEmpty();
    append("edge.log", " handler=onClientRequest");
    view = timeline.snapshot();
    assertThat(view.path("counters").path("edge").get(0).path("reason").asText()).isEqualTo("bad_token");
  }

  @Test
  @DisplayName("lines written before the page started (an earlier run into the same log dir) are not shown")
  void earlierRunSkipped() throws IOException {
    append("authorizer.log", decision("2026-12-04T04:00:00.000Z", "Unauthorized", "bad_signature", null));
    create();
    append("authorizer.log", decision("2026-12-04T04:05:39.000Z", "Unauthorized", "expired", null));
    ObjectNode view = timeline.snapshot();
    assertThat(view.path("rows")).hasSize(1);
    assertThat(view.path("counters").path("origin").get(0).path("reason").asText()).isEqualTo("expired");
  }

  @Test
  @DisplayName("at most MAX_ROWS rows are kept, the oldest dropped")
  void bounded() throws IOException {
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < PerimeterTimeline.MAX_ROWS + 20; i++) {
      lines.append("EW_LOG decision=forward reason=ok jti=req-").append(i).append('\n');
    }
    Files.writeString(dir.resolve("edge.log"), lines);
    ObjectNode view = timeline.snapshot();
    assertThat(view.path("rows")).hasSize(PerimeterTimeline.MAX_ROWS);
    assertThat(view.path("rows").get(0).path("requestId").asText()).isEqualTo("req-" + (PerimeterTimeline.MAX_ROWS + 19));
  }
}
