package dev.edgeperimeter.testsupport.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgeperimeter.shared.aws.AwsClients;
import dev.edgeperimeter.testsupport.MotoExtension;
import dev.edgeperimeter.testsupport.MotoServer;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Why race tests go through the {@link SerializingProxy}: moto alone lets two concurrent
 * conditional writers both win, which DynamoDB never does. Should moto ever isolate writes, the
 * first case fails and tells us so.
 */
@ExtendWith(MotoExtension.class)
class MotoWithoutProxyTest {
  private static final int WRITERS = 4;
  private static final int ROUNDS = 20;

  private static List<DynamoDbClient> writers(AwsClients clients) {
    return IntStream.range(0, WRITERS).mapToObj(i -> clients.dynamoDb()).toList();
  }

  @Test
  @DisplayName("straight to moto, concurrent conditional updates of one item can all be told they won")
  void motoAloneLetsTwoConditionalWritersWin(MotoServer moto) throws Exception {
    AwsClients clients = moto.clients();
    DynamoDbClient admin = clients.dynamoDb();
    ConditionalWriters race = new ConditionalWriters(admin, "race-" + UUID.randomUUID(), writers(new AwsClients(moto.settings())));
    List<Integer> winners = new ArrayList<>();
    for (int round = 0; round < ROUNDS && winners.stream().allMatch(w -> w == 1); round++) {
      winners.add(race.race(admin, "item-" + round));
    }
    assertThat(winners).as("winners per round (DynamoDB: always exactly 1)").anyMatch(w -> w > 1);
  }

  @Test
  @DisplayName("through the serializing proxy, exactly one of the concurrent conditional writers wins, every round")
  void throughTheProxyExactlyOneWins(MotoServer moto) throws Exception {
    try (SerializingProxy proxy = SerializingProxy.inFrontOf(moto)) {
      DynamoDbClient admin = proxy.clients().dynamoDb();
      ConditionalWriters race = new ConditionalWriters(admin, "race-" + UUID.randomUUID(), writers(proxy.clients()));
      List<Integer> winners = new ArrayList<>();
      for (int round = 0; round < ROUNDS / 2; round++) {
        winners.add(race.race(admin, "item-" + round));
      }
      assertThat(winners).containsOnly(1);
      assertThat(proxy.maxConcurrentForwards()).isEqualTo(1);
    }
  }
}
