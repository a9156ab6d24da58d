package io.capstan.jobspec;

import static io.capstan.jobspec.TestingSpecs.assertInvalid;
import static io.capstan.jobspec.TestingSpecs.invalid;
import static io.capstan.jobspec.TestingSpecs.parser;
import static io.capstan.jobspec.TestingSpecs.resource;
import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.api.error.CapstanException;
import org.junit.jupiter.api.Test;

/** The parts of parsing every format shares: reading YAML safely and choosing the format. */
class JobSpecParserTest {
  @Test
  void choosesTheFormatByApiVersionAndKind() {
    assertThat(parser().parse(resource("trainingjob.yaml")).sourceKind()).isEqualTo("TrainingJob");
    assertThat(parser().parse(resource("pytorchjob-mnist.yaml")).sourceKind())
        .isEqualTo("PyTorchJob");
    assertThat(parser().parse(resource("tfjob-dist-mnist.yaml")).sourceKind()).isEqualTo("TFJob");
  }

  @Test
  void malformedYamlNamesTheLineAndNoField() {
    CapstanException error =
        invalid(
            """
            apiVersion: capstan.io/v1
            kind: TrainingJob
            metadata: {name: [mnist}
            """);

    assertThat(error.field()).isNull();
    assertThat(error.getMessage()).startsWith("Malformed YAML at line 3, column ");
    assertThat(error.getCause()).isNotNull();
  }

  @Test
  void malformedJsonIsRejected() {
    CapstanException error = invalid("{\"apiVersion\": \"capstan.io/v1\", \"kind\": ");

    assertThat(error.field()).isNull();
    assertThat(error.getMessage()).startsWith("Malformed YAML at line 1, column ");
  }

  @Test
  void emptyTextIsRejected() {
    assertInvalid(
        "  \n",
        null,
        "Expected a YAML or JSON mapping with apiVersion and kind, but the document is empty");
  }

  @Test
  void documentMustBeAMapping() {
    assertInvalid(
        "- a\n- b\n",
        null,
        "Expected a YAML or JSON mapping with apiVersion and kind, but was a list");
    assertInvalid(
        "just text",
        null,
        "Expected a YAML or JSON mapping with apiVersion and kind, but was the string 'just text'");
  }

  @Test
  void keysMustBeStrings() {
    assertInvalid(
        "apiVersion: capstan.io/v1\n1: one\n",
        null,
        "Expected the keys of the document to be strings, but found the number 1");
  }

  @Test
  void apiVersionAndKindAreRequired() {
    assertInvalid(
        "kind: TrainingJob\n", "apiVersion", "Expected apiVersion to be set, but it is missing");
    assertInvalid(
        "apiVersion: capstan.io/v1\n", "kind", "Expected kind to be set, but it is missing");
    assertInvalid(
        "apiVersion: 1\nkind: TrainingJob\n",
        "apiVersion",
        "Expected apiVersion to be a string, but was the number 1");
  }

  @Test
  void unknownKindListsTheSupportedKinds() {
    assertInvalid(
        "apiVersion: kubeflow.org/v1\nkind: XGBoostJob\n",
        "kind",
        "Expected one of the kinds capstan.io/v1 TrainingJob, kubeflow.org/v1 PyTorchJob,"
            + " kubeflow.org/v1 TFJob, trainer.kubeflow.org/v1alpha1 TrainJob, kubeflow.org/v2beta1"
            + " MPIJob, kubeflow.org/v1 MPIJob, batch/v1 Job, but was kubeflow.org/v1 XGBoostJob");
  }

  @Test
  void mpiJobOfAnotherApiVersionNamesBothVersions() {
    assertInvalid(
        "apiVersion: kubeflow.org/v1alpha2\nkind: MPIJob\n",
        "apiVersion",
        "Expected apiVersion 'kubeflow.org/v2beta1' or 'kubeflow.org/v1' for kind MPIJob, but was"
            + " 'kubeflow.org/v1alpha2'");
  }

  @Test
  void trainJobOfAnotherApiVersionNamesTrainersVersion() {
    assertInvalid(
        "apiVersion: kubeflow.org/v2alpha1\nkind: TrainJob\n",
        "apiVersion",
        "Expected apiVersion 'trainer.kubeflow.org/v1alpha1' for kind TrainJob, but was"
            + " 'kubeflow.org/v2alpha1'");
  }

  @Test
  void knownKindWithAnotherApiVersionNamesTheExpectedOne() {
    assertInvalid(
        "apiVersion: kubeflow.org/v1beta2\nkind: PyTorchJob\n",
        "apiVersion",
        "Expected apiVersion 'kubeflow.org/v1' for kind PyTorchJob, but was 'kubeflow.org/v1beta2'");
  }

  @Test
  void billionLaughsIsRejected() {
    StringBuilder bomb = new StringBuilder("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for (char level = 'b'; level <= 'i'; level++) {
      char previous = (char) (level - 1);
      bomb.append(level).append(": &").append(level).append(" [");
      for (int i = 0; i < 9; i++) {
        bomb.append(i == 0 ? "" : ", ").append('*').append(previous);
      }
      bomb.append("]\n");
    }

    CapstanException error = invalid(bomb.toString());

    assertThat(error.field()).isNull();
    assertThat(error.getMessage()).startsWith("Malformed YAML").contains("aliases");
  }

  @Test
  void duplicateKeysAreRejected() {
    CapstanException error =
        invalid(
            """
            apiVersion: capstan.io/v1
            kind: TrainingJob
            kind: PyTorchJob
            """);

    assertThat(error.field()).isNull();
    assertThat(error.getMessage()).startsWith("Malformed YAML at line 3").contains("duplicate key");
  }

  @Test
  void deepNestingIsRejected() {
    String deep = "a: " + "[".repeat(10_000) + "]".repeat(10_000) + "\n";

    CapstanException error = invalid(deep);

    assertThat(error.field()).isNull();
    assertThat(error.getMessage()).startsWith("Malformed YAML").containsIgnoringCase("nesting");
  }

  @Test
  void nestingOfRealPodTemplatesIsAllowed() {
    String nested =
        "apiVersion: capstan.io/v1\nkind: TrainingJob\nmetadata: {name: a}\n"
            + "spec: {replicas: [{role: worker, command: [x]}]}\n"
            + "x: "
            + "[".repeat(30)
            + "]".repeat(30)
            + "\n";

    assertInvalid(
        nested,
        "x",
        "Expected the document to have only the fields apiVersion, kind, metadata, spec, but"
            + " found the unknown field 'x'");
  }

  @Test
  void hugeDocumentsAreRejected() {
    String huge = "a: " + "x".repeat(JobSpecParser.MAX_CODE_POINTS) + "\n";

    assertInvalid(
        huge,
        null,
        "Expected a spec of at most 2097152 characters, but it has "
            + (JobSpecParser.MAX_CODE_POINTS + 4));
  }

  @Test
  void customTagsAreRejected() {
    CapstanException error =
        invalid(
            """
            apiVersion: capstan.io/v1
            kind: !!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[]]]
            """);

    assertThat(error.field()).isNull();
    assertThat(error.getMessage()).startsWith("Malformed YAML at line 2");
  }

  @Test
  void ofSeveralDocumentsTheJobIsTakenAndEmptyOrCommentOnlyOnesAreSkipped() {
    String text =
        "---\n# the team's header\n---\n"
            + resource("pytorchjob-mnist.yaml")
            + "\n---\n# nothing more\n---\n";

    assertThat(parser().parse(text)).isEqualTo(parser().parse(resource("pytorchjob-mnist.yaml")));
  }

  @Test
  void ofSeveralDocumentsAnyOtherObjectIsRefusedByKindNameAndPlace() {
    String service =
        "apiVersion: v1\nkind: Service\nmetadata: {name: mnist-tensorboard}\nspec: {}\n";
    CapstanException error =
        invalid(resource("pytorchjob-mnist.yaml") + "\n---\n# comment\n---\n" + service);

    assertThat(error.field()).isNull();
    assertThat(error.getMessage())
        .isEqualTo(
            "Expected one job in the 3 YAML documents, but document 3 is a Service"
                + " 'mnist-tensorboard', which Capstan does not create");
    assertThat(invalid(service + "---\n" + resource("pytorchjob-mnist.yaml")).getMessage())
        .as("before the job too")
        .contains("document 1 is a Service 'mnist-tensorboard'");
    assertThat(invalid("a: 1\n---\n" + resource("pytorchjob-mnist.yaml")).getMessage())
        .contains("document 1 is a mapping without kind");
  }

  @Test
  void ofSeveralDocumentsASecondJobIsRefused() {
    String job = resource("pytorchjob-mnist.yaml");
    String second = resource("tfjob-dist-mnist.yaml");

    assertThat(invalid(job + "\n---\n" + second).getMessage())
        .isEqualTo(
            "Expected one job in the 2 YAML documents, but document 2 is a second job, a TFJob"
                + " 'dist-mnist-for-e2e-test': submit each job on its own");
    assertThat(invalid("# a\n---\n# b\n").getMessage())
        .isEqualTo(
            "Expected a YAML or JSON mapping with apiVersion and kind, but the document is empty");
  }
}
