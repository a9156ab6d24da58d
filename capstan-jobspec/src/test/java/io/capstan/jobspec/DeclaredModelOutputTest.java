package io.capstan.jobspec;

import static io.capstan.jobspec.TestingSpecs.invalid;
import static io.capstan.jobspec.TestingSpecs.parser;
import static io.capstan.jobspec.TestingSpecs.replaceOnce;
import static io.capstan.jobspec.TestingSpecs.resource;
import static io.capstan.jobspec.TestingSpecs.trainingJob;
import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.api.error.CapstanException;
import io.capstan.api.job.JobSpec;
import io.capstan.api.job.ModelOutput;
import org.junit.jupiter.api.Test;

/** A job's declared model output: spec.registerModel, or annotations on any kind. */
class DeclaredModelOutputTest {
  private static final String REPLICAS =
      "replicas: [{role: worker, count: 1, command: [python3, train.py]}]";

  @Test
  void trainingJobDeclaresItsOutputInTheSpec() {
    JobSpec spec =
        parser().parse(trainingJob(REPLICAS, "registerModel: {name: churn, path: out/m.onnx}"));

    assertThat(spec.registerModel()).isEqualTo(new ModelOutput("churn", "out/m.onnx"));
  }

  @Test
  void pathDefaultsToModelOnnxAndNoDeclarationMeansNone() {
    assertThat(
            parser().parse(trainingJob(REPLICAS, "registerModel: {name: churn}")).registerModel())
        .isEqualTo(new ModelOutput("churn", "model.onnx"));
    assertThat(parser().parse(trainingJob(REPLICAS)).registerModel()).isNull();
  }

  @Test
  void kubeflowPyTorchJobDeclaresItWithAnnotationsAndOtherwiseStaysUnchanged() {
    String yaml =
        replaceOnce(
            resource("pytorchjob-mnist.yaml"),
            "  annotations:\n    sidecar",
            "  annotations:\n"
                + "    capstan.io/register-model: mnist\n"
                + "    capstan.io/model-path: mnist.onnx\n    sidecar");

    assertThat(parser().parse(yaml).registerModel())
        .isEqualTo(new ModelOutput("mnist", "mnist.onnx"));
    assertThat(parser().parse(resource("pytorchjob-mnist.yaml")).registerModel()).isNull();
  }

  @Test
  void aPathThatEscapesTheOutputDirectoryIsRejectedNamingTheField() {
    CapstanException error =
        invalid(trainingJob(REPLICAS, "registerModel: {name: churn, path: ../../etc/passwd}"));

    assertThat(error.field()).isEqualTo("spec.registerModel.path");
    assertThat(error.getMessage()).contains("escapes it with '..'");
  }

  @Test
  void aBadModelNameInAnAnnotationIsRejectedNamingTheAnnotation() {
    String yaml =
        replaceOnce(
            resource("pytorchjob-mnist.yaml"),
            "  annotations:\n    sidecar",
            "  annotations:\n    capstan.io/register-model: Bad_Name!\n    sidecar");

    CapstanException error = invalid(yaml);

    assertThat(error.field()).isEqualTo("metadata.annotations[capstan.io/register-model]");
    assertThat(error.getMessage()).contains("but was 'Bad_Name!'");
  }

  @Test
  void aPathAnnotationWithoutAModelIsRejected() {
    String yaml =
        replaceOnce(
            resource("pytorchjob-mnist.yaml"),
            "  annotations:\n    sidecar",
            "  annotations:\n    capstan.io/model-path: m.onnx\n    sidecar");

    assertThat(invalid(yaml).field()).isEqualTo("metadata.annotations[capstan.io/model-path]");
  }

  @Test
  void declaringTheOutputTwiceIsRejected() {
    String yaml =
        trainingJob(REPLICAS, "registerModel: {name: churn}")
            .replace(
                "metadata: {name: mnist}",
                "metadata: {name: mnist, annotations: {capstan.io/register-model: other}}");

    assertThat(invalid(yaml).field()).isEqualTo("spec.registerModel");
  }

  @Test
  void unknownFieldsOfRegisterModelAreRejected() {
    assertThat(invalid(trainingJob(REPLICAS, "registerModel: {name: churn, alias: prod}")).field())
        .isEqualTo("spec.registerModel.alias");
  }
}
