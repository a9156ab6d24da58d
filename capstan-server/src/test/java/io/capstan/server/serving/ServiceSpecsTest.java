package io.capstan.server.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.api.error.CapstanException;
import io.capstan.api.queue.ResourceQuantities;
import io.capstan.api.serving.BatchingSpec;
import io.capstan.api.serving.CanarySpec;
import io.capstan.api.serving.ServiceSpec;
import io.capstan.api.serving.ServiceUpdate;
import org.junit.jupiter.api.Test;

/** Defaults and field-by-field errors of service specs. */
class ServiceSpecsTest {
  @Test
  void fillsInTheDefaults() {
    ServiceSpec spec =
        ServiceSpecs.complete(
            new ServiceSpec("churn", "churn@production", null, null, null, null, null, null));

    assertThat(spec.minReplicas()).isEqualTo(1);
    assertThat(spec.maxReplicas()).isEqualTo(1);
    assertThat(spec.resources()).isEqualTo(new ResourceQuantities("500m", "1Gi", "0"));
    assertThat(spec.targetInFlight()).isEqualTo(8);
    assertThat(spec.canary()).isNull();
  }

  @Test
  void eachBadFieldIsNamedWithItsReason() {
    assertField(
        new ServiceSpec("Churn!", "m:1", null, null, null, null, null, null), "name", "lowercase");
    assertField(
        new ServiceSpec("churn", " ", null, null, null, null, null, null),
        "model",
        "model reference");
    assertField(
        new ServiceSpec("churn", "m:1", 0, null, null, null, null, null),
        "minReplicas",
        "but was 0");
    assertField(
        new ServiceSpec("churn", "m:1", 3, 2, null, null, null, null), "maxReplicas", "but was 2");
    assertField(
        new ServiceSpec(
            "churn",
            "m:1",
            null,
            null,
            new ResourceQuantities("lots", null, null),
            null,
            null,
            null),
        "resources.cpu",
        "'lots'");
    assertField(
        new ServiceSpec(
            "churn",
            "m:1",
            null,
            null,
            new ResourceQuantities(null, "64Mi", null),
            null,
            null,
            null),
        "resources.memory",
        "at least 256Mi");
    assertField(
        new ServiceSpec("churn", "m:1", null, null, null, new BatchingSpec(0, null), null, null),
        "batching.maxBatchSize",
        "but was 0");
    assertField(
        new ServiceSpec("churn", "m:1", null, null, null, null, new CanarySpec("m:2", 101), null),
        "canary.percent",
        "from 0 (deployed, no requests) to 100 (every request), but was 101");
    assertField(
        new ServiceSpec("churn", "m:1", null, null, null, null, new CanarySpec("m:2", -1), null),
        "canary.percent",
        "but was -1");
    assertField(
        new ServiceSpec("churn", "m:1", null, null, null, null, new CanarySpec(null, 20), null),
        "canary.model",
        "model reference");
  }

  @Test
  void aCanaryOfZeroAndOfHundredPercentIsAccepted() {
    for (int percent : new int[] {0, 100}) {
      ServiceSpec spec =
          ServiceSpecs.complete(
              new ServiceSpec(
                  "churn", "m:1", null, null, null, null, new CanarySpec("m:2", percent), null));

      assertThat(spec.canary().percent()).isEqualTo(percent);
    }
  }

  @Test
  void anUpdateKeepsWhatItDoesNotName() {
    ServiceSpec spec =
        ServiceSpecs.complete(new ServiceSpec("churn", "churn:3", 2, 4, null, null, null, null));

    ServiceSpec next =
        ServiceSpecs.apply(spec, new ServiceUpdate("churn:4", null, null, null, null, null));

    assertThat(next.model()).isEqualTo("churn:4");
    assertThat(next.minReplicas()).isEqualTo(2);
    assertThat(next.maxReplicas()).isEqualTo(4);
  }

  private static void assertField(ServiceSpec spec, String field, String reason) {
    assertThatThrownBy(() -> ServiceSpecs.complete(spec))
        .isInstanceOfSatisfying(CapstanException.class, e -> assertThat(e.field()).isEqualTo(field))
        .hasMessageContaining(reason);
  }
}
