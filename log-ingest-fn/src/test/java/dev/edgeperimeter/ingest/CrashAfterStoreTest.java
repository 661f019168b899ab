package dev.edgeperimeter.ingest;

import static dev.edgeperimeter.testsupport.proxy.ProxiedRequest.bodyContains;
import static dev.edgeperimeter.testsupport.proxy.ProxiedRequest.operation;
import static org.assertj.core.api.Assertions.assertThat;

import dev.edgeperimeter.testsupport.MotoExtension;
import dev.edgeperimeter.testsupport.MotoServer;
import dev.edgeperimeter.testsupport.proxy.SerializingProxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The function's JVM dies between storing a chunk and recording it in the ledger (crash, timeout,
 * out of memory): the redelivery must not store that chunk again. The function runs in a child
 * JVM ({@link FunctionProcess}) whose AWS calls go through a loopback proxy in front of moto; the
 * proxy holds the ledger write that would record the first stored chunk, the test kills the JVM
 * right then (the write is never applied), and a fresh function JVM gets the same body again.
 */
@ExtendWith(MotoExtension.class)
class CrashAfterStoreTest {
  private static final int RECORDS = 30;
  private final MotoServer server;

  CrashAfterStoreTest(MotoServer server) {
    this.server = server;
  }

  @Test
  @DisplayName("JVM killed right after PutLogEvents stored a chunk, before the ledger knows: the redelivery stores nothing twice")
  void killedBetweenStoreAndLedger(@TempDir Path dir) throws Exception {
    MotoFixture fx = new MotoFixture(server);
    long sec = Instant.now().getEpochSecond() - 60;
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < RECORDS; i++) {
      sb.append("{\"reqTimeSec\":\"").append(sec).append("\",\"reqId\":\"r").append(i)
          .append("\",\"streamId\":\"s").append(i % 3).append("\"}\n");
    }
    Path body = Files.write(dir.resolve("body.ndjson"), Samples.utf8(sb.toString()));

    try (SerializingProxy proxy = SerializingProxy.inFrontOf(server)) {
      Map<String, String> env = new HashMap<>(proxy.environment(server));
      env.put("LOG_GROUP_NAME", fx.logGroup);
      env.put("INGEST_LEDGER_TABLE", fx.ledgerTable);
      CompletableFuture<Void> held = new CompletableFuture<>();
      CountDownLatch killed = new CountDownLatch(1);
      // the ledger write that records a stored chunk: held until the JVM that sent it is dead, never applied
      proxy.on(operation("UpdateItem").and(bodyContains("ADD chunks"))).nth(1).intercept(request -> {
        held.complete(null);
        try {
          killed.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        throw new IllegalStateException("not forwarded: the function that sent it was killed");
      });

      Process first = FunctionProcess.start(body, env);
      held.get(120, TimeUnit.SECONDS);
      first.destroyForcibly();
      assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
      killed.countDown();
      assertThat(fx.storedEvents()).as("stored by the killed function").hasSize(RECORDS / 3);

      // DataStream 2 redelivers while it gets 503 (the killed invocation's lease lasts until its deadline)
      String[] answer = FunctionProcess.answer(FunctionProcess.start(body, env));
      for (int i = 0; i < 30 && answer[0].equals("503"); i++) {
        Thread.sleep(1_000);
        answer = FunctionProcess.answer(FunctionProcess.start(body, env));
      }
      assertThat(answer[0]).isEqualTo("200");
      assertThat(Json.map(answer[1])).containsEntry("accepted", RECORDS).containsEntry("rejected", List.of());
    }
    List<Object> reqIds = fx.storedEvents().stream().map(e -> Json.map(e.message()).get("reqId")).toList();
    assertThat(reqIds).as("0 doubled").doesNotHaveDuplicates();
    assertThat(reqIds).as("0 lost").hasSize(RECORDS);
  }
}
