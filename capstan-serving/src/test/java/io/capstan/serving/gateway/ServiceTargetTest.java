package io.capstan.serving.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.api.gateway.GatewaySnapshot;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Weighted choice between stable and canary, and replica choice within a track. */
class ServiceTargetTest {
  private final Upstream stableA = backend("stable-a", 3);
  private final Upstream stableB = backend("stable-b", 3);
  private final Upstream canary = backend("canary", 4);

  @Test
  void theCanaryGetsItsShareOfRequests() {
    ServiceTarget route = target(20, List.of(stableA, stableB), List.of(canary));
    SplittableRandom random = new SplittableRandom(7);
    int toCanary = 0;
    for (int i = 0; i < 10_000; i++) {
      if (route.track(random).contains(canary)) {
        toCanary++;
      }
    }
    // 20% of 10,000 with a binomial standard deviation of 40: within 5 of them.
    assertThat(toCanary).isBetween(1800, 2200);
  }

  @Test
  void atZeroPercentTheCanaryRunsButAnswersNothing() {
    ServiceTarget route = target(0, List.of(stableA, stableB), List.of(canary));

    for (int i = 0; i < 1000; i++) {
      assertThat(route.track(new SplittableRandom(i))).doesNotContain(canary);
    }
  }

  @Test
  void atHundredPercentTheCanaryAnswersEverything() {
    ServiceTarget route = target(100, List.of(stableA, stableB), List.of(canary));

    for (int i = 0; i < 1000; i++) {
      assertThat(route.track(new SplittableRandom(i))).containsExactly(canary);
    }
  }

  @Test
  void anEmptyTrackFallsBackToTheOther() {
    ServiceTarget route = target(50, List.of(stableA), List.of());

    for (int i = 0; i < 100; i++) {
      assertThat(route.track(new SplittableRandom(i))).containsExactly(stableA);
    }
  }

  @Test
  void picksTheLessLoadedAndNeverOneAlreadyTried() {
    ServiceTarget route = target(0, List.of(stableA, stableB), List.of());
    stableA.begin();
    stableA.begin();
    SplittableRandom random = new SplittableRandom(1);

    assertThat(route.pick(route.stable(), Set.of(), random, 0)).isSameAs(stableB);
    Set<Upstream> tried = new HashSet<>(Set.of(stableB));
    assertThat(route.pick(route.stable(), tried, random, 0)).isSameAs(stableA);
    tried.add(stableA);
    assertThat(route.pick(route.stable(), tried, random, 0)).isNull();
  }

  @Test
  void aReplicaThatFailedIsSkippedForAMomentUnlessItIsTheOnlyOne() {
    ServiceTarget route = target(0, List.of(stableA, stableB), List.of());
    stableB.markFailed(0, 1_000);

    for (int i = 0; i < 20; i++) {
      assertThat(route.pick(route.stable(), Set.of(), new SplittableRandom(i), 10))
          .isSameAs(stableA);
    }
    ServiceTarget alone = target(0, List.of(stableB), List.of());
    assertThat(alone.pick(alone.stable(), Set.of(), new SplittableRandom(1), 10)).isSameAs(stableB);
    assertThat(route.pick(route.stable(), Set.of(stableA), new SplittableRandom(1), 2_000))
        .isSameAs(stableB);
  }

  private static Upstream backend(String job, int version) {
    return new Upstream(new GatewaySnapshot.Backend(job, version, "127.0.0.1", 1, 2, null));
  }

  private static ServiceTarget target(
      int canaryPercent, List<Upstream> stable, List<Upstream> canary) {
    return new ServiceTarget("p", "s", 3, canaryPercent, stable, canary);
  }
}
