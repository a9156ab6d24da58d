package io.capstan.server.queue;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.scheduler.OrderingPolicy;
import io.capstan.scheduler.QueueSpec;
import io.capstan.scheduler.cluster.ResourceAmounts;
import io.capstan.server.store.TestingDatabase;
import io.capstan.server.store.TestingRace;
import java.time.Clock;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Project quotas on embedded H2 and on a real PostgreSQL. */
class QuotaStoreTest {
  static Stream<TestingDatabase> databases() {
    return TestingDatabase.all();
  }

  private static QuotaStore store(TestingDatabase db) {
    db.jdbc()
        .sql("insert into projects (name, created_at) values ('vision', 0), ('nlp', 0)")
        .update();
    return new QuotaStore(db.jdbc(), Clock.systemUTC());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void quotasRoundTripAndProjectsWithoutOneGetTheDefault(TestingDatabase db) {
    QuotaStore store = store(db);
    QueueSpec vision =
        new QueueSpec(
            "vision",
            new ResourceAmounts(8000, 64L << 30, 4000),
            ResourceAmounts.gpus(2),
            null,
            3,
            OrderingPolicy.FIFO);

    assertThat(store.put(vision, 0)).isTrue();
    assertThat(store.put(vision, 1)).isTrue();

    assertThat(store.find("vision")).contains(vision);
    assertThat(store.read("vision")).isEqualTo(new QuotaStore.StoredQuota(vision, 2));
    assertThat(store.find("nlp")).isEmpty();
    assertThat(store.read("nlp"))
        .isEqualTo(new QuotaStore.StoredQuota(QuotaStore.defaultQueue("nlp"), 0));
    assertThat(store.all())
        .containsEntry("vision", vision)
        .containsEntry("nlp", QuotaStore.defaultQueue("nlp"));
    QueueSpec unlimited = QueueSpec.of("nlp", ResourceAmounts.gpus(1), OrderingPolicy.LAS);
    store.put(unlimited, 0);
    assertThat(store.find("nlp")).contains(unlimited);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void anUpdateOverAStaleVersionIsRefusedAndOneOverTheFreshVersionWins(TestingDatabase db) {
    QuotaStore store = store(db);
    QueueSpec four = QueueSpec.of("vision", ResourceAmounts.gpus(4), OrderingPolicy.LAS);
    QueueSpec eight = QueueSpec.of("vision", ResourceAmounts.gpus(8), OrderingPolicy.LAS);
    QueueSpec two = QueueSpec.of("vision", ResourceAmounts.gpus(2), OrderingPolicy.FIFO);

    assertThat(store.put(four, 0)).as("the first quota").isTrue();
    assertThat(store.put(eight, 0)).as("a second writer that read 'no quota'").isFalse();
    assertThat(store.put(eight, 1)).isTrue();
    assertThat(store.put(two, 1)).as("a writer that read version 1").isFalse();

    assertThat(store.read("vision")).isEqualTo(new QuotaStore.StoredQuota(eight, 2));
    assertThat(store.put(two, 2)).isTrue();
    assertThat(store.read("vision")).isEqualTo(new QuotaStore.StoredQuota(two, 3));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void twoWritersRaisingOneQuotaConcurrentlyLoseNoUpdate(TestingDatabase db) throws Exception {
    QuotaStore store = store(db);
    int each = 100;

    // Read-modify-write, as an admin's client would: weight + 1 over what it read. The project has
    // no quota at first, so the race starts with two inserts.
    TestingRace.run(
        2,
        each,
        () -> {
          QuotaStore.StoredQuota current;
          QueueSpec next;
          do {
            current = store.read("vision");
            QueueSpec q = current.queue();
            next =
                new QueueSpec(
                    q.name(),
                    q.nominal(),
                    q.borrowingLimit(),
                    q.lendingLimit(),
                    q.weight() + 1,
                    q.policy());
          } while (!store.put(next, current.version()));
        });

    QuotaStore.StoredQuota last = store.read("vision");
    assertThat(last.queue().weight()).isEqualTo(1 + 2 * each);
    assertThat(last.version()).isEqualTo(2 * each);
  }
}
