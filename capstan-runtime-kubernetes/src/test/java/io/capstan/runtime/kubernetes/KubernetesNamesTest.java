package io.capstan.runtime.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.runtime.ReplicaId;
import org.junit.jupiter.api.Test;

class KubernetesNamesTest {
  private static final String DNS_1035_LABEL = "[a-z]([-a-z0-9]{0,61}[a-z0-9])?";

  private final KubernetesNames names = new KubernetesNames("capstan-");

  @Test
  void namesThatAreLabelsStayAsTheyAre() {
    assertThat(names.pod(new ReplicaId("mnist-1a2b3c4d", "worker-1")))
        .isEqualTo("mnist-1a2b3c4d-worker-1");
    assertThat(names.service("mnist-1a2b3c4d")).isEqualTo("mnist-1a2b3c4d");
    assertThat(names.namespace("vision")).isEqualTo("capstan-vision");
    assertThat(names.claim("mnist-1a2b3c4d", "output")).isEqualTo("mnist-1a2b3c4d-output");
  }

  @Test
  void tooLongNamesAreShortenedWithAHashAndStayDistinct() {
    String longUid = "a".repeat(60) + "-1a2b3c4d";

    String worker0 = names.pod(new ReplicaId(longUid, "worker-0"));
    String worker1 = names.pod(new ReplicaId(longUid, "worker-1"));

    assertThat(worker0).matches(DNS_1035_LABEL).hasSizeLessThanOrEqualTo(63);
    assertThat(worker1).matches(DNS_1035_LABEL).isNotEqualTo(worker0);
    assertThat(worker0).startsWith("aaaa").isEqualTo(names.pod(new ReplicaId(longUid, "worker-0")));
  }

  @Test
  void aLeadingDigitOrEndingDashIsMadeALabel() {
    assertThat(names.service("9job")).matches(DNS_1035_LABEL).startsWith("x9job-");
    assertThat(names.service("job-")).matches(DNS_1035_LABEL).startsWith("job-");
  }

  @Test
  void labelValuesKeepValidValuesAndShortenOthers() {
    assertThat(KubernetesNames.labelValue("mnist")).isEqualTo("mnist");
    assertThat(KubernetesNames.labelValue("b".repeat(70))).hasSizeLessThanOrEqualTo(63);
  }
}
