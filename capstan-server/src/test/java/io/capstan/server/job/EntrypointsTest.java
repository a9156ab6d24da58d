package io.capstan.server.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.api.error.CapstanException;
import io.capstan.api.image.ImageEnvironment;
import io.capstan.api.image.ImageEnvironmentList;
import io.capstan.api.job.JobSpec;
import io.capstan.jobspec.JobSpecParser;
import io.capstan.runtime.ImageMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Containers without a command at submission: refused only where the image has no entrypoint. */
class EntrypointsTest {
  private static final String ARGS_ONLY =
      """
      apiVersion: kubeflow.org/v1
      kind: PyTorchJob
      metadata: {name: mnist}
      spec:
        pytorchReplicaSpecs:
          Master:
            replicas: 1
            template:
              spec:
                containers:
                  - {name: pytorch, image: IMAGE, command: [python3, train.py]}
          Worker:
            replicas: 1
            template:
              spec:
                containers:
                  - {name: pytorch, image: IMAGE, args: [--epochs=1]}
      """;

  @Test
  void aRuntimeOfRealImagesAcceptsEveryContainer() {
    assertThatCode(() -> Entrypoints.check(spec("any/image:1"), Optional.empty()))
        .doesNotThrowAnyException();
  }

  @Test
  void anImageWithAnEntrypointIsAccepted() {
    assertThatCode(() -> Entrypoints.check(spec("with/entrypoint:1"), Optional.of(map())))
        .doesNotThrowAnyException();
  }

  @Test
  void anImageWithoutAnEntrypointIsRefusedNamingTheContainersCommand() {
    assertThatThrownBy(() -> Entrypoints.check(spec("plain/image:1"), Optional.of(map())))
        .isInstanceOfSatisfying(
            CapstanException.class,
            e ->
                assertThat(e.field())
                    .isEqualTo(
                        "spec.pytorchReplicaSpecs.Worker.template.spec.containers[0].command"))
        .hasMessage(
            "Expected a command for the worker replicas, or an entrypoint for image"
                + " 'plain/image:1' in the image map (capstan env set PATTERN --entrypoint ...),"
                + " but the container has args but no command and the image map gives"
                + " 'plain/image:1' no entrypoint");
  }

  private static JobSpec spec(String image) {
    return new JobSpecParser().parse(ARGS_ONLY.replace("IMAGE", image));
  }

  /** An image map where only {@code with/*} images have an entrypoint ({@code python3}). */
  private static ImageMap map() {
    return new ImageMap() {
      @Override
      public ImageEnvironmentList list() {
        return new ImageEnvironmentList(null, null, List.of());
      }

      @Override
      public Optional<ImageEnvironment> get(String pattern) {
        return Optional.empty();
      }

      @Override
      public ImageEnvironment set(ImageEnvironment entry) {
        throw new UnsupportedOperationException("read-only");
      }

      @Override
      public boolean delete(String pattern) {
        return false;
      }

      @Override
      public Optional<List<String>> commandWithoutCommand(String image, List<String> args) {
        if (!image.startsWith("with/")) {
          return Optional.empty();
        }
        List<String> line = new ArrayList<>(List.of("python3"));
        line.addAll(args);
        return Optional.of(line);
      }
    };
  }
}
