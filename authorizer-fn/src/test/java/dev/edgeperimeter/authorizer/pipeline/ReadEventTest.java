package dev.edgeperimeter.authorizer.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Reading the event: every byte up to the limit, one more when there are more")
class ReadEventTest {
  private static byte[] bytes(int n) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) 'x');
    return b;
  }

  /** A stream that claims a size other than what it holds. */
  private static InputStream claiming(byte[] content, int available) {
    return new FilterInputStream(new ByteArrayInputStream(content)) {
      @Override
      public int available() {
        return available;
      }
    };
  }

  @Test
  void aStreamThatKnowsItsSizeIsReadWhole() throws IOException {
    assertThat(AuthorizerPipeline.readEvent(new ByteArrayInputStream(bytes(3000)), 4096)).hasSize(3000);
    assertThat(AuthorizerPipeline.readEvent(new ByteArrayInputStream(bytes(4096)), 4096)).hasSize(4096);
  }

  @Test
  void anOversizedEventYieldsOneByteMoreThanTheLimit() throws IOException {
    assertThat(AuthorizerPipeline.readEvent(new ByteArrayInputStream(bytes(10_000)), 4096)).hasSize(4097);
  }

  @Test
  void aStreamHoldingMoreThanItClaimsIsStillReadToTheLimit() throws IOException {
    assertThat(AuthorizerPipeline.readEvent(claiming(bytes(3000), 100), 4096)).hasSize(3000);
    assertThat(AuthorizerPipeline.readEvent(claiming(bytes(10_000), 100), 4096)).hasSize(4097);
  }

  @Test
  void aStreamHoldingLessThanItClaimsYieldsWhatItHolds() throws IOException {
    assertThat(AuthorizerPipeline.readEvent(claiming(bytes(50), 100), 4096)).hasSize(50);
    assertThat(AuthorizerPipeline.readEvent(claiming(new byte[0], 0), 4096)).isEmpty();
  }
}
