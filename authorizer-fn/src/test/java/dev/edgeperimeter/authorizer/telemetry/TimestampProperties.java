package dev.edgeperimeter.authorizer.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

@Label("Log timestamps: Powertools' yyyy-MM-ddTHH:mm:ss.SSSZ, without a DateTimeFormatter")
class TimestampProperties {
  private static final DateTimeFormatter POWERTOOLS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  @Property(tries = 2000)
  @Label("same text as the formatter for any instant from 1970 to 9999")
  void sameAsFormatter(@ForAll @LongRange(min = 0, max = 253_402_300_799_999L) long epochMillis) {
    assertThat(Telemetry.timestamp(epochMillis)).isEqualTo(POWERTOOLS.format(Instant.ofEpochMilli(epochMillis)));
  }
}
