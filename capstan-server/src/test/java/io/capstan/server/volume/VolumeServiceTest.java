package io.capstan.server.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import io.capstan.api.volume.VolumeView;
import io.capstan.server.job.JobControllerHarness;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A project's volumes are listed with their users and deleted only when no job mounts them. */
class VolumeServiceTest {
  @TempDir Path dataDir;
  private JobControllerHarness h;
  private VolumeService volumes;

  @BeforeEach
  void setUp() {
    h = new JobControllerHarness(dataDir, List.of());
    volumes = new VolumeService(h.runtime, h.jobs());
  }

  private void submit(String name, String claim) {
    h.jobs()
        .submit(
            "vision",
            """
            apiVersion: capstan.io/v1
            kind: TrainingJob
            metadata: {name: %s}
            spec:
              replicas:
                - role: worker
                  command: [python3, train.py]
                  volumes: [{name: data, persistentVolumeClaim: {claimName: %s}}]
                  volumeMounts: [{name: data, mountPath: /data}]
            """
                .formatted(name, claim));
    h.pass();
  }

  @Test
  void aVolumeInUseIsListedWithItsJobAndCannotBeDeleted() {
    submit("train", "datasets");
    h.runtime.runAll();
    h.pass();

    assertThat(volumes.list("vision"))
        .containsExactly(new VolumeView("datasets", 0, 0, List.of("train")));
    assertThat(volumes.list("ml")).isEmpty();
    assertThatThrownBy(() -> volumes.delete("vision", "datasets"))
        .isInstanceOfSatisfying(
            CapstanException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.INVALID_STATE);
              assertThat(e.getMessage()).contains("[train] mount it");
            });

    h.jobs().cancel("vision", "train", "alice");
    org.awaitility.Awaitility.await()
        .until(
            () -> {
              h.tick();
              return h.job("train").phase().isTerminal();
            });
    volumes.delete("vision", "datasets");

    assertThat(volumes.list("vision")).isEmpty();
    assertThatThrownBy(() -> volumes.get("vision", "datasets"))
        .isInstanceOfSatisfying(
            CapstanException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
  }
}
