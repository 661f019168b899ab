package dev.edgeperimeter.bench.auth;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock the benchmark moves by hand (single-threaded use): stays put until {@link #advance}. */
final class SteppingClock extends Clock {
  private long millis;

  SteppingClock(long millis) {
    this.millis = millis;
  }

  void advance(long byMillis) {
    millis += byMillis;
  }

  @Override
  public long millis() {
    return millis;
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException();
  }
}
