package io.capstan.server.queue;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.scheduler.OrderingPolicy;
import io.capstan.scheduler.QueueSpec;
import io.capstan.scheduler.cluster.ResourceAmounts;
import io.capstan.server.store.TestingDatabase;
import java.time.Clock;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Project quotas on embedded H2 and on a real PostgreSQL. */
class QuotaStoreTest {
  static Stream<TestingDatabase> databases() {
    return TestingDatabase.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void quotasRoundTripAndProjectsWithoutOneGetTheDefault(TestingDatabase db) {
    db.jdbc()
        .sql("insert into projects (name, created_at) values ('vision', 0), ('nlp', 0)")
        .update();
    QuotaStore store = new QuotaStore(db.jdbc(), Clock.systemUTC());
    QueueSpec vision =
        new QueueSpec(
            "vision",
            new ResourceAmounts(8000, 64L << 30, 4000),
            ResourceAmounts.gpus(2),
            null,
            3,
            OrderingPolicy.FIFO);

    store.put(vision);
    store.put(vision);

    assertThat(store.find("vision")).contains(vision);
    assertThat(store.find("nlp")).isEmpty();
    assertThat(store.all())
        .containsEntry("vision", vision)
        .containsEntry("nlp", QuotaStore.defaultQueue("nlp"));
    QueueSpec unlimited = QueueSpec.of("nlp", ResourceAmounts.gpus(1), OrderingPolicy.LAS);
    store.put(unlimited);
    assertThat(store.find("nlp")).contains(unlimited);
  }
}
