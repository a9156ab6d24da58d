package io.capstan.server.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.api.job.SubmitResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A field of a submitted document that Capstan accepts but does not act on is said at submission
 * and in the job's status warnings, never dropped silently.
 */
class IgnoredFieldsTest {
  private static final String PYTORCH_JOB =
      """
      apiVersion: kubeflow.org/v1
      kind: PyTorchJob
      metadata: {name: mnist}
      spec:
        pytorchReplicaSpecs:
          Worker:
            replicas: 1
            template:
              spec:
                nodeSelector: {accelerator: t4}
                containers:
                  - name: pytorch
                    image: host
                    command: [sh, -c, "echo hi"]
                    workingDir: /opt/mnist
      """;

  @TempDir Path dataDir;
  private JobControllerHarness h;

  @BeforeEach
  void setUp() {
    h = new JobControllerHarness(dataDir);
  }

  @Test
  void theSubmissionAndTheStatusNameEveryFieldNotActedOn() {
    SubmitResponse submitted = h.jobs().submit("vision", PYTORCH_JOB);

    String node = "spec.pytorchReplicaSpecs.Worker.template.spec.nodeSelector";
    assertThat(submitted.warnings())
        .as("workingDir is honoured (decision 83), no warning")
        .containsExactly(
            "Field " + node + " is accepted but not acted on: Capstan runs the job without it");
    assertThat(h.jobs().get("vision", "mnist").status().warnings())
        .containsAll(submitted.warnings());
  }

  @Test
  void aJobWithNothingIgnoredHasNoWarnings() {
    String plain =
        PYTORCH_JOB
            .lines()
            .filter(line -> !line.contains("nodeSelector") && !line.contains("workingDir"))
            .collect(java.util.stream.Collectors.joining("\n"));
    SubmitResponse submitted = h.jobs().submit("vision", plain);

    assertThat(submitted.warnings()).isEmpty();
  }
}
