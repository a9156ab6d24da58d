package io.capstan.jobspec;

import static io.capstan.jobspec.TestingSpecs.invalid;
import static io.capstan.jobspec.TestingSpecs.parser;
import static io.capstan.jobspec.TestingSpecs.replaceOnce;
import static io.capstan.jobspec.TestingSpecs.resource;
import static io.capstan.jobspec.TestingSpecs.trainingJob;
import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.api.error.CapstanException;
import io.capstan.api.job.DatasetMount;
import org.junit.jupiter.api.Test;

/** A job's datasets: spec.datasets of a TrainingJob, the annotation capstan.io/datasets on any. */
class DeclaredDatasetsTest {
  private static final String REPLICAS =
      "replicas: [{role: worker, count: 1, command: [python3, train.py]}]";

  @Test
  void trainingJobNamesItsDatasetsInTheSpec() {
    assertThat(
            parser()
                .parse(trainingJob(REPLICAS, "datasets: [\"imagenet-mini@3:/data/imagenet\"]"))
                .datasets())
        .containsExactly(
            new DatasetMount(null, "imagenet-mini", 3, "/data/imagenet", "spec.datasets[0]"));
    assertThat(parser().parse(trainingJob(REPLICAS)).datasets()).isEmpty();
  }

  @Test
  void kubeflowPyTorchJobNamesThemInTheAnnotationAndOtherwiseStaysUnchanged() {
    String yaml =
        replaceOnce(
            resource("pytorchjob-mnist.yaml"),
            "  annotations:\n    sidecar",
            "  annotations:\n    capstan.io/datasets: \"mnist@2, vision/coco@1:/coco\"\n    sidecar");

    assertThat(parser().parse(yaml).datasets())
        .extracting(DatasetMount::reference)
        .containsExactly("mnist@2:/datasets/mnist", "vision/coco@1:/coco");
    assertThat(parser().parse(resource("pytorchjob-mnist.yaml")).datasets()).isEmpty();
  }

  @Test
  void aBadReferenceIsRefusedNamingTheField() {
    CapstanException error = invalid(trainingJob(REPLICAS, "datasets: [\"a@1\", \"b\"]"));

    assertThat(error.field()).isEqualTo("spec.datasets[1]");
    assertThat(error.getMessage()).contains("[PROJECT/]NAME@VERSION[:PATH]");
  }

  @Test
  void twoDatasetsAtOnePathAreRefused() {
    CapstanException error = invalid(trainingJob(REPLICAS, "datasets: [\"a@1:/d\", \"b@1:/d\"]"));

    assertThat(error.field()).isEqualTo("spec.datasets");
  }
}
