package dev.edgeperimeter.ingest;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.edgeperimeter.ingest.body.BodyDecoder;
import dev.edgeperimeter.shared.json.JsonLimits;
import java.io.IOException;
import java.io.StringWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plain-Java core of {@code POST /edge/logs} (contract section 3): decode → parse, normalize,
 * batch ({@link IngestPipeline}) → consult the ledger → store the batches not yet stored → answer.
 *
 * <ul>
 *   <li>200 {@code {"accepted":N,"rejected":[{"index":i,"reason":"..."}]}}: every record stored or
 *       individually rejected. A repeat of a stored body stores nothing and gets the same answer.
 *   <li>400 {@code {"error":"..."}}: the body as a whole is unreadable; nothing stored.
 *   <li>413: past the size limits (decompressed body, events per batch).
 *   <li>503: storage failed after retries within the invocation's time (the batches that did get
 *       stored are in the ledger, so the sender's retry stores only the rest), or the same body is
 *       being stored right now by a concurrent delivery (a lease in the ledger).
 * </ul>
 *
 * <p>Exactly-once across ambiguous failures: each chunk is recorded as pending in the ledger before
 * it is first sent. A chunk found pending by a later delivery (the response was lost, the call was
 * cut off, the function died before recording the outcome) is looked for in its log stream by its
 * events' ids, and only the events not found are sent.
 */
public final class LogIngestService {
  private static final Logger LOG = LoggerFactory.getLogger(LogIngestService.class);
  private static final long MAX_LEASE_MILLIS = 15 * 60 * 1000L;
  private static final long LEASE_MARGIN_MILLIS = 5_000L;

  private final int maxBodyBytes;
  private final Clock clock;
  private final LogStore store;
  private final IngestLedger ledger;
  private final IngestMetrics metrics;

  public LogIngestService(int maxBodyBytes, Clock clock, LogStore store, IngestLedger ledger, IngestMetrics metrics) {
    this.maxBodyBytes = maxBodyBytes;
    this.clock = clock;
    this.store = store;
    this.ledger = ledger;
    this.metrics = metrics;
  }

  public IngestResponse ingest(IngestRequest request, TimeBudget budget) {
    PreparedBody prepared;
    try {
      byte[] body = BodyDecoder.decode(request.body(), request.contentEncoding(), maxBodyBytes);
      prepared = new IngestPipeline(clock).prepare(body, request.contentType());
    } catch (IngestException e) {
      LOG.info("body refused: status={} reason={}", e.status(), e.getMessage());
      return error(e.status(), e.getMessage());
    }
    try {
      return store(prepared, budget);
    } catch (StoreUnavailableException e) {
      LOG.warn("storage unavailable, answering 503: {}", e.getMessage());
      try {
        metrics.storageFailed(prepared.format());
      } catch (RuntimeException metricsFailure) {
        LOG.warn("IngestStorageFailed not published: {}", metricsFailure.toString());
      }
      return error(503, "log storage is unavailable; retry the same body later");
    }
  }

  private IngestResponse store(PreparedBody prepared, TimeBudget budget) throws StoreUnavailableException {
    String identity = prepared.identity();
    IngestLedger.Entry entry = ledger.read(identity, budget);
    List<Rejection> rejected = new ArrayList<>(prepared.rejections());
    NormalizedEvents events = prepared.events();
    if (entry.complete()) {
      LOG.info("duplicate delivery of {} ({} records): already stored, storing nothing", identity,
          prepared.stats().recordsRead());
      return accepted(events.count(), rejected);
    }
    // the lease lasts at most as long as this invocation can (plus a margin), so a crash frees it
    String owner = UUID.randomUUID().toString();
    long leaseMillis = Math.min(Math.max(budget.remainingMillis(), 0), MAX_LEASE_MILLIS) + LEASE_MARGIN_MILLIS;
    IngestLedger.Entry leased = ledger.acquire(identity, owner, clock.millis() + leaseMillis, budget);
    if (leased == null) {
      LOG.info("{} is being stored by a concurrent delivery: answering 503 so the sender retries", identity);
      return error(503, "the same body is being stored by a concurrent request; retry later");
    }
    boolean done = false;
    try {
      if (leased.complete()) {
        done = true;
        return accepted(events.count(), rejected);
      }
      IngestResponse response = storeChunks(prepared, leased, rejected, budget);
      done = true;
      return response;
    } finally {
      if (!done) {
        try {
          ledger.release(identity, owner, budget);
        } catch (StoreUnavailableException e) {
          LOG.warn("could not release the lease on {} (it expires by itself): {}", identity, e.getMessage());
        }
      }
    }
  }

  private IngestResponse storeChunks(PreparedBody prepared, IngestLedger.Entry entry, List<Rejection> rejected,
      TimeBudget budget) throws StoreUnavailableException {
    String identity = prepared.identity();
    NormalizedEvents events = prepared.events();
    List<LogBatch> batches = prepared.batches();
    int cloudWatchRejected = 0;
    int skipped = 0;
    int found = 0;
    for (int chunk = 0; chunk < batches.size(); chunk++) {
      if (entry.storedChunks().contains(chunk)) {
        skipped++;
        continue;
      }
      LogBatch batch = batches.get(chunk);
      if (entry.pendingChunks().contains(chunk)) {
        // an earlier delivery sent this chunk without learning the outcome: send only what is not stored
        Set<Integer> stored = store.alreadyStored(batch, events, budget);
        found += stored.size();
        batch = batch.without(stored, events);
      } else {
        ledger.chunkPending(identity, chunk, batches.size(), budget);
      }
      List<LogStore.EventRejection> refused = batch.size() == 0 ? List.of() : store.put(batch, events, budget);
      ledger.chunkStored(identity, chunk, batches.size(), budget);
      for (LogStore.EventRejection r : refused) {
        rejected.add(new Rejection(events.recordIndex(r.event()), r.reason().message()));
        prepared.stats().reject(r.reason());
        cloudWatchRejected++;
      }
    }
    int accepted = events.count() - cloudWatchRejected;
    ledger.complete(identity, batches.size(), accepted, rejected.size(), budget);
    prepared.stats().setAccepted(accepted);
    try {
      metrics.publish(prepared.format(), prepared.stats());
    } catch (RuntimeException e) {
      // the body is stored; losing one body's metrics must not turn that into an error
      LOG.warn("metrics for {} not published: {}", identity, e.toString());
    }
    LOG.info("stored {}: format={} records={} accepted={} rejected={} batches={} resumedAfter={} foundStored={}",
        identity, prepared.format(), prepared.stats().recordsRead(), accepted, rejected.size(), batches.size(), skipped,
        found);
    return accepted(accepted, rejected);
  }

  private static IngestResponse accepted(int accepted, List<Rejection> rejected) {
    Collections.sort(rejected);
    StringWriter out = new StringWriter(32 + rejected.size() * 48);
    try (JsonGenerator g = JsonLimits.FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeNumberField("accepted", accepted);
      g.writeArrayFieldStart("rejected");
      for (Rejection r : rejected) {
        g.writeStartObject();
        g.writeNumberField("index", r.index());
        g.writeStringField("reason", r.reason());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException impossible) {
      throw new IllegalStateException(impossible);
    }
    return new IngestResponse(200, out.toString());
  }

  static IngestResponse error(int status, String message) {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = JsonLimits.FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("error", message);
      g.writeEndObject();
    } catch (IOException impossible) {
      throw new IllegalStateException(impossible);
    }
    return new IngestResponse(status, out.toString());
  }
}
