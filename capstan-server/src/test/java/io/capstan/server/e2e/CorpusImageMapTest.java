package io.capstan.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.api.image.ImageEnvironment;
import io.capstan.api.image.ImageEnvironmentList;
import io.capstan.runtime.ImageMap;
import io.capstan.runtime.RuntimeContext;
import io.capstan.runtime.RuntimeSettings;
import io.capstan.runtime.WorkloadRuntime;
import io.capstan.runtime.WorkloadRuntimeProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The corpus's image map ({@code corpus/images.yaml}) is one the local runtime takes as it is:
 * every entry valid, every spec's image mapped to an entry of its own, and the images the specs run
 * without a command given an entrypoint.
 */
class CorpusImageMapTest {
  private static final Path CORPUS =
      ServerFixture.repository().resolve("capstan-server/src/test/resources/corpus");
  private static final Pattern IMAGE = Pattern.compile("image:\\s*\"?([^\\s\"]+)\"?");

  @TempDir Path data;

  @Test
  void everyEntryIsValidAndEverySpecsImageHasOne() throws IOException {
    Files.writeString(
        data.resolve("images.yaml"),
        Files.readString(CORPUS.resolve("images.yaml"))
            .replace("@CORPUS@", CORPUS.toAbsolutePath().toString()));

    try (WorkloadRuntime runtime = localRuntime()) {
      ImageMap images = runtime.images().orElseThrow();
      ImageEnvironmentList list = images.list();

      assertThat(list.problem()).isNull();
      List<ImageEnvironment> corpus =
          list.entries().stream().filter(e -> e.origin().equals(ImageEnvironment.FILE)).toList();
      assertThat(corpus).hasSize(11);
      corpus.forEach(
          entry ->
              entry.code().values().forEach(folder -> assertThat(Path.of(folder)).isDirectory()));
      for (String image : specImages()) {
        assertThat(corpus)
            .as("an entry of the corpus for %s", image)
            .anyMatch(entry -> glob(entry.pattern()).matcher(image).matches());
      }
      for (String image :
          List.of(
              "kubeflow/pytorch-dist-mnist:latest", "kubeflow/tf-multi-worker-strategy:latest")) {
        assertThat(images.commandWithoutCommand(image, List.of()))
            .as("%s runs without a command", image)
            .isPresent();
      }
    }
  }

  private WorkloadRuntime localRuntime() {
    WorkloadRuntimeProvider local =
        ServiceLoader.load(WorkloadRuntimeProvider.class).stream()
            .map(ServiceLoader.Provider::get)
            .filter(provider -> provider.kind().equals("local"))
            .findFirst()
            .orElseThrow();
    return local.create(
        new RuntimeContext(
            data,
            ServerFixture.repository(),
            true,
            RuntimeSettings.of(
                "capstan.runtime.local.",
                Map.of("sandbox", "none", "gpus", "none", "cgroups", "off"))));
  }

  private static List<String> specImages() throws IOException {
    List<String> images = new ArrayList<>();
    try (Stream<Path> specs = Files.list(CORPUS.resolve("specs"))) {
      for (Path spec : specs.sorted().toList()) {
        Matcher matcher = IMAGE.matcher(Files.readString(spec));
        while (matcher.find()) {
          images.add(matcher.group(1));
        }
      }
    }
    assertThat(images).isNotEmpty();
    return images.stream().distinct().toList();
  }

  private static Pattern glob(String pattern) {
    return Pattern.compile(
        Arrays.stream(pattern.split("\\*", -1))
            .map(Pattern::quote)
            .collect(Collectors.joining(".*")));
  }
}
