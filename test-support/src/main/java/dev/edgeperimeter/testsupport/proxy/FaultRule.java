package dev.edgeperimeter.testsupport.proxy;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A fault the {@link SerializingProxy} injects into the requests that match a predicate. Built with
 * {@code proxy.on(predicate)}, optionally narrowed to {@link Builder#nth(int) the n-th} or
 * {@link Builder#first(int) the first n} matching requests (counted from when the rule was added),
 * then one of the faults:
 *
 * <ul>
 *   <li>{@link Builder#dropResponse()}: the request is forwarded and applied, then the client's
 *       connection is closed without an answer (a write whose outcome the client never learns);</li>
 *   <li>{@link Builder#resetConnection()}: the client's connection is reset (TCP RST) before
 *       anything is forwarded (the request is not applied);</li>
 *   <li>{@link Builder#throttle()}: answered with an AWS throttling error (HTTP 400,
 *       {@code ThrottlingException}), not forwarded;</li>
 *   <li>{@link Builder#respond(int, String, String)}: answered with any response, not forwarded;</li>
 *   <li>{@link Builder#intercept(Consumer)}: runs an action, then forwards normally. The action runs
 *       outside the serializing lock, so it may block to put concurrent requests in an order.</li>
 * </ul>
 *
 * <p>Rules are consulted in the order they were added; every rule counts each request it matches,
 * and the first rule due for a request decides what happens to it.
 */
public final class FaultRule {
  /** What the proxy does with a request a due rule matched. */
  enum Kind { DROP_RESPONSE, RESET_CONNECTION, RESPOND, INTERCEPT }

  private final Predicate<ProxiedRequest> matching;
  private final int from;
  private final int to;
  private final Kind kind;
  private final int status;
  private final String contentType;
  private final String body;
  private final Consumer<ProxiedRequest> action;
  private final AtomicInteger matched = new AtomicInteger();
  private final AtomicInteger fired = new AtomicInteger();
  private volatile boolean removed;
  private final Runnable onRemove;

  private FaultRule(Builder b, Kind kind, int status, String contentType, String body, Consumer<ProxiedRequest> action) {
    this.matching = b.matching;
    this.from = b.from;
    this.to = b.to;
    this.kind = kind;
    this.status = status;
    this.contentType = contentType;
    this.body = body;
    this.action = action;
    this.onRemove = () -> b.proxy.remove(this);
  }

  /** How many requests this rule acted on so far. */
  public int fired() {
    return fired.get();
  }

  /** Stops the rule from acting on further requests. */
  public void remove() {
    removed = true;
    onRemove.run();
  }

  /** Counts {@code request} when it matches; true when the rule acts on it. */
  boolean dueFor(ProxiedRequest request) {
    if (removed || !matching.test(request)) {
      return false;
    }
    int n = matched.incrementAndGet();
    return n >= from && n <= to;
  }

  void fire() {
    fired.incrementAndGet();
  }

  Kind kind() {
    return kind;
  }

  int status() {
    return status;
  }

  String contentType() {
    return contentType;
  }

  String body() {
    return body;
  }

  Consumer<ProxiedRequest> action() {
    return action;
  }

  /** Chooses which matching requests the fault applies to, then the fault. */
  public static final class Builder {
    private final SerializingProxy proxy;
    private final Predicate<ProxiedRequest> matching;
    private int from = 1;
    private int to = Integer.MAX_VALUE;

    Builder(SerializingProxy proxy, Predicate<ProxiedRequest> matching) {
      this.proxy = proxy;
      this.matching = Objects.requireNonNull(matching, "matching");
    }

    /** Only the {@code n}-th matching request (1 = the first). */
    public Builder nth(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("n starts at 1: " + n);
      }
      from = n;
      to = n;
      return this;
    }

    /** Only the first {@code n} matching requests. */
    public Builder first(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("n starts at 1: " + n);
      }
      from = 1;
      to = n;
      return this;
    }

    public FaultRule dropResponse() {
      return add(Kind.DROP_RESPONSE, 0, null, null, null);
    }

    public FaultRule resetConnection() {
      return add(Kind.RESET_CONNECTION, 0, null, null, null);
    }

    /** An AWS JSON-protocol {@code ThrottlingException} (the SDK retries it with backoff). */
    public FaultRule throttle() {
      return throttle("ThrottlingException");
    }

    /**
     * An AWS JSON-protocol throttling error with the given code, e.g.
     * {@code ProvisionedThroughputExceededException} for DynamoDB.
     */
    public FaultRule throttle(String errorCode) {
      return add(Kind.RESPOND, 400, null,
          "{\"__type\":\"" + errorCode + "\",\"message\":\"Rate exceeded (injected by the test proxy)\"}", null);
    }

    /**
     * Answers with {@code status} and {@code body}; {@code contentType} null means the request's
     * own content type (what an AWS JSON protocol error carries).
     */
    public FaultRule respond(int status, String contentType, String body) {
      return add(Kind.RESPOND, status, contentType, Objects.requireNonNull(body, "body"), null);
    }

    /** Runs {@code action} before forwarding (outside the serializing lock), then forwards. */
    public FaultRule intercept(Consumer<ProxiedRequest> action) {
      return add(Kind.INTERCEPT, 0, null, null, Objects.requireNonNull(action, "action"));
    }

    private FaultRule add(Kind kind, int status, String contentType, String body, Consumer<ProxiedRequest> action) {
      FaultRule rule = new FaultRule(this, kind, status, contentType, body, action);
      proxy.add(rule);
      return rule;
    }
  }
}
