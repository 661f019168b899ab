package dev.edgeperimeter.authorizer.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.edgeperimeter.authorizer.core.AuthRequest;
import dev.edgeperimeter.authorizer.core.Reason;
import dev.edgeperimeter.authorizer.core.Rejection;
import dev.edgeperimeter.authorizer.event.EventParser;
import dev.edgeperimeter.authorizer.event.EventType;

/**
 * The authorizer event parser on arbitrary bytes, for each event shape API Gateway sends. The
 * documented outcomes (EventParser): a request with a method and a path, or a {@link Rejection}
 * with {@code malformed}. Seeds: the sample events of {@code events/authorizer/}.
 */
class AuthorizerEventFuzzTest {

  @FuzzTest(maxDuration = "10m")
  void restRequest(byte[] event) {
    parse(EventType.REST_REQUEST, event);
  }

  @FuzzTest(maxDuration = "10m")
  void restToken(byte[] event) {
    parse(EventType.REST_TOKEN, event);
  }

  @FuzzTest(maxDuration = "10m")
  void httpApi(byte[] event) {
    parse(EventType.HTTP_API, event);
  }

  private static void parse(EventType type, byte[] event) {
    for (boolean requireArn : new boolean[] {true, false}) {
      AuthRequest request;
      try {
        request = EventParser.parse(type, event, requireArn);
      } catch (Rejection rejected) {
        assertThat(rejected.reason()).isEqualTo(Reason.MALFORMED);
        continue;
      }
      assertThat(event.length).isLessThanOrEqualTo(EventParser.MAX_EVENT_BYTES);
      assertThat(request.method()).isNotNull();
      assertThat(request.path()).isNotNull();
    }
  }
}
