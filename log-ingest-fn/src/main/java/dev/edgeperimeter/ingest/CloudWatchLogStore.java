package dev.edgeperimeter.ingest;

import dev.edgeperimeter.ingest.write.EventIds;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilterLogEventsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilteredLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.InputLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.PutLogEventsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.RejectedLogEventsInfo;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceAlreadyExistsException;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceNotFoundException;

/**
 * {@link LogStore} on CloudWatch Logs {@code PutLogEvents}. Log streams are created on first use
 * ("already exists" is success) and remembered for the container's life. Throttling, 5xx and
 * network failures are retried with {@link RetryPolicy} inside the invocation's remaining time;
 * the SDK client must be built without its own retries so this budget is the only one. Every call
 * is also cut off at the invocation's remaining time, and none is started with too little left
 * ({@link CallTimeout}), so a slow call ends in a 503 answer instead of a Lambda timeout.
 * {@code rejectedLogEventsInfo} of a successful call is mapped back to the events it refers to.
 *
 * <p>A PutLogEvents whose outcome is unknown (no answer: connection lost, read timeout, cut off at
 * the deadline; or a 5xx) may have stored the events. Before sending again the store looks for the
 * batch's event ids in the stream ({@link #alreadyStored}) and sends only the missing ones; a 4xx
 * answer (throttling) means nothing was stored and the batch is simply sent again.
 */
public final class CloudWatchLogStore implements LogStore {
  private static final Logger LOG = LoggerFactory.getLogger(CloudWatchLogStore.class);
  private final CloudWatchLogsClient logs;
  private final String logGroupName;
  private final RetryPolicy retry;
  private final Set<String> knownStreams = ConcurrentHashMap.newKeySet();

  public CloudWatchLogStore(CloudWatchLogsClient logs, String logGroupName, RetryPolicy retry) {
    this.logs = logs;
    this.logGroupName = logGroupName;
    this.retry = retry;
  }

  @Override
  public List<EventRejection> put(LogBatch batch, NormalizedEvents events, TimeBudget budget)
      throws StoreUnavailableException {
    ensureStream(batch.streamName(), budget);
    int[] remaining = batch.events();
    boolean recreated = false;
    for (int attempt = 1; ; attempt++) {
      AwsRequestOverrideConfiguration timeout = CallTimeout.forNextCall("PutLogEvents", budget);
      int[] sending = remaining;
      List<InputLogEvent> input = new ArrayList<>(sending.length);
      for (int e : sending) {
        input.add(InputLogEvent.builder().timestamp(events.timestamp(e)).message(events.message(e)).build());
      }
      try {
        PutLogEventsResponse response = logs.putLogEvents(r -> r
            .overrideConfiguration(timeout)
            .logGroupName(logGroupName)
            .logStreamName(batch.streamName())
            .logEvents(input));
        return rejections(response.rejectedLogEventsInfo(), sending);
      } catch (ResourceNotFoundException e) {
        if (recreated) {
          throw new StoreUnavailableException("PutLogEvents failed: log stream or group does not exist", e);
        }
        recreated = true;
        knownStreams.remove(batch.streamName());
        ensureStream(batch.streamName(), budget);
      } catch (SdkException e) {
        if (!retryable(e)) {
          throw new StoreUnavailableException("PutLogEvents failed: " + describe(e), e);
        }
        LOG.warn("PutLogEvents attempt {} failed ({}), retrying if time allows", attempt, describe(e));
        if (!retry.awaitRetry(attempt, budget)) {
          throw new StoreUnavailableException("PutLogEvents still failing after " + attempt + " attempts: " + describe(e), e);
        }
        if (!certainlyNotApplied(e)) {
          // the events may be stored although we never heard so: send only those not in the stream
          Set<Integer> found = alreadyStored(new LogBatch(batch.streamName(), sending, 0), events, budget);
          if (!found.isEmpty()) {
            LOG.info("PutLogEvents outcome was unknown: {} of {} events found stored in {}, sending the rest",
                found.size(), sending.length, batch.streamName());
            remaining = Arrays.stream(sending).filter(ev -> !found.contains(ev)).toArray();
            if (remaining.length == 0) {
              return List.of();
            }
          }
        }
      }
    }
  }

  /**
   * Pages through the stream's events in the batch's time range that carry the body's batch key
   * (a quoted-term filter pattern, a substring match) and keeps those whose id is one of the batch's.
   */
  @Override
  public Set<Integer> alreadyStored(LogBatch batch, NormalizedEvents events, TimeBudget budget)
      throws StoreUnavailableException {
    if (batch.size() == 0 || events.batchKey() == null) {
      return Set.of();
    }
    Map<String, Integer> byId = new HashMap<>();
    for (int e : batch.events()) {
      byId.put(events.eventId(e), e);
    }
    long from = batch.firstTimestamp(events);
    long to = batch.lastTimestamp(events);
    String pattern = "\"" + events.batchKey() + "\"";
    Set<Integer> found = new HashSet<>();
    try {
      withRetry("FilterLogEvents", budget, timeout -> {
        found.clear();
        String token = null;
        do {
          String page = token;
          FilterLogEventsResponse response = logs.filterLogEvents(r -> r.overrideConfiguration(timeout)
              .logGroupName(logGroupName).logStreamNames(batch.streamName())
              .startTime(from).endTime(to + 1).filterPattern(pattern).nextToken(page));
          for (FilteredLogEvent stored : response.events()) {
            Integer e = byId.get(EventIds.idOf(stored.message()));
            if (e != null) {
              found.add(e);
            }
          }
          token = response.nextToken();
        } while (token != null);
        return null;
      });
    } catch (StreamMissing noStream) {
      return Set.of();
    }
    return found;
  }

  /** True when a failed call certainly stored nothing: the service answered and refused it (4xx, e.g. throttling). */
  static boolean certainlyNotApplied(SdkException e) {
    return e instanceof AwsServiceException service && service.statusCode() >= 400 && service.statusCode() < 500;
  }

  /** Maps PutLogEvents' index ranges (into the batch) to event indexes with a reason. */
  static List<EventRejection> rejections(RejectedLogEventsInfo info, int[] members) {
    List<EventRejection> out = new ArrayList<>();
    if (info == null) {
      return out;
    }
    boolean[] seen = new boolean[members.length];
    if (info.tooNewLogEventStartIndex() != null) {
      for (int i = Math.max(0, info.tooNewLogEventStartIndex()); i < members.length; i++) {
        mark(out, seen, members, i, RejectReason.CLOUDWATCH_TOO_NEW);
      }
    }
    if (info.expiredLogEventEndIndex() != null) {
      for (int i = 0; i <= Math.min(info.expiredLogEventEndIndex(), members.length - 1); i++) {
        mark(out, seen, members, i, RejectReason.CLOUDWATCH_EXPIRED);
      }
    }
    if (info.tooOldLogEventEndIndex() != null) {
      for (int i = 0; i <= Math.min(info.tooOldLogEventEndIndex(), members.length - 1); i++) {
        mark(out, seen, members, i, RejectReason.CLOUDWATCH_TOO_OLD);
      }
    }
    return out;
  }

  private static void mark(List<EventRejection> out, boolean[] seen, int[] members, int i, RejectReason reason) {
    if (!seen[i]) {
      seen[i] = true;
      out.add(new EventRejection(members[i], reason));
    }
  }

  private void ensureStream(String stream, TimeBudget budget) throws StoreUnavailableException {
    if (knownStreams.contains(stream)) {
      return;
    }
    withRetryOrFail("CreateLogStream", budget, timeout -> {
      try {
        logs.createLogStream(r -> r.overrideConfiguration(timeout).logGroupName(logGroupName).logStreamName(stream));
      } catch (ResourceAlreadyExistsException exists) {
        // created earlier, by us or a concurrent invocation
      }
      return null;
    });
    knownStreams.add(stream);
  }

  /** Signals a missing log stream (deleted since we created it): recreate and try once more. */
  private static final class StreamMissing extends Exception {
    StreamMissing() {
      super(null, null, false, false);
    }
  }

  private <T> T withRetryOrFail(String operation, TimeBudget budget, Function<AwsRequestOverrideConfiguration, T> call)
      throws StoreUnavailableException {
    try {
      return withRetry(operation, budget, call);
    } catch (StreamMissing e) {
      throw new StoreUnavailableException(operation + " failed: log stream or group does not exist", null);
    }
  }

  private <T> T withRetry(String operation, TimeBudget budget, Function<AwsRequestOverrideConfiguration, T> call)
      throws StoreUnavailableException, StreamMissing {
    for (int attempt = 1; ; attempt++) {
      AwsRequestOverrideConfiguration timeout = CallTimeout.forNextCall(operation, budget);
      try {
        return call.apply(timeout);
      } catch (ResourceNotFoundException e) {
        throw new StreamMissing();
      } catch (SdkException e) {
        if (!retryable(e)) {
          throw new StoreUnavailableException(operation + " failed: " + describe(e), e);
        }
        LOG.warn("{} attempt {} failed ({}), retrying if time allows", operation, attempt, describe(e));
        if (!retry.awaitRetry(attempt, budget)) {
          throw new StoreUnavailableException(operation + " still failing after " + attempt + " attempts: " + describe(e), e);
        }
      }
    }
  }

  static boolean retryable(SdkException e) {
    if (e instanceof AwsServiceException service) {
      String code = service.awsErrorDetails() == null ? null : service.awsErrorDetails().errorCode();
      return service.isThrottlingException()
          || service.statusCode() >= 500
          || "ThrottlingException".equals(code)
          || "ServiceUnavailableException".equals(code)
          || "LimitExceededException".equals(code);
    }
    return e instanceof SdkClientException || e.retryable();
  }

  private static String describe(SdkException e) {
    if (e instanceof AwsServiceException service && service.awsErrorDetails() != null) {
      return service.awsErrorDetails().errorCode() + " (HTTP " + service.statusCode() + ")";
    }
    return e.getClass().getSimpleName();
  }
}
