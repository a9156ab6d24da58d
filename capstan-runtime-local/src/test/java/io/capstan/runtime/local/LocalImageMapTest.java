package io.capstan.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import io.capstan.api.image.ImageEnvironment;
import io.capstan.api.image.ImageEnvironmentList;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operator's image map file over the built-in entries: parsed, re-read, written, refused. */
class LocalImageMapTest {
  private static final Map<String, Environment> BUILT_IN =
      Map.of(
          "*",
          Environment.HOST,
          "capstan/examples*",
          new Environment(Map.of("/examples", Path.of("/srv/examples")), null, Map.of()));

  @TempDir Path dir;
  private Path file;
  private Path code;

  @BeforeEach
  void setUp() throws IOException {
    file = Files.createDirectories(dir.resolve("data")).resolve("images.yaml");
    code = Files.createDirectories(dir.resolve("mnist"));
  }

  @Test
  void withoutAFileTheBuiltInEntriesAreInUse() {
    LocalImageMap map = new LocalImageMap(BUILT_IN, file);

    ImageEnvironmentList list = map.list();

    assertThat(list.file()).isEqualTo(file.toString());
    assertThat(list.problem()).isNull();
    assertThat(list.entries())
        .extracting(ImageEnvironment::pattern, ImageEnvironment::origin)
        .containsExactly(
            tuple("*", ImageEnvironment.BUILT_IN),
            tuple("capstan/examples*", ImageEnvironment.BUILT_IN));
    assertThat(map.get("capstan/examples*").orElseThrow().code())
        .containsEntry("/examples", "/srv/examples");
  }

  @Test
  void aHandWrittenFileIsParsedAndOverridesABuiltInEntryOfItsPattern() throws IOException {
    Files.writeString(
        file,
        """
        images:
          "kubeflow/pytorch-mnist*":
            python: /usr/bin/python3
            code: {/opt/pytorch-mnist: %s}
            workingDir: /opt/pytorch-mnist
            entrypoint: [python3, train.py]
            args: ["--epochs", 1]
            env: {OMP_NUM_THREADS: "2"}
          "capstan/examples*":
            code: {/examples: /home/me/examples}
          "ubuntu:*":
            entrypoint: []
        """
            .formatted(code));
    LocalImageMap map = new LocalImageMap(BUILT_IN, file);

    ImageEnvironment mnist = map.get("kubeflow/pytorch-mnist*").orElseThrow();
    assertThat(mnist)
        .isEqualTo(
            new ImageEnvironment(
                "kubeflow/pytorch-mnist*",
                "/usr/bin/python3",
                Map.of("/opt/pytorch-mnist", code.toString()),
                "/opt/pytorch-mnist",
                List.of("python3", "train.py"),
                List.of("--epochs", "1"),
                Map.of("OMP_NUM_THREADS", "2"),
                ImageEnvironment.FILE));
    assertThat(map.get("capstan/examples*").orElseThrow().code())
        .containsExactly(Map.entry("/examples", "/home/me/examples"));
    assertThat(map.environments().get("capstan/examples*").mounts())
        .containsExactly(Map.entry("/examples", Path.of("/home/me/examples")));
    assertThat(map.commandWithoutCommand("kubeflow/pytorch-mnist:v1", List.of("--lr=1")))
        .contains(List.of("python3", "train.py", "--lr=1"));
    assertThat(map.commandWithoutCommand("kubeflow/pytorch-mnist:v1", List.of()))
        .contains(List.of("python3", "train.py", "--epochs", "1"));
    assertThat(map.commandWithoutCommand("ubuntu:22.04", List.of("echo", "hi")))
        .as("an empty entrypoint: the args are the command, as Docker runs them")
        .contains(List.of("echo", "hi"));
    assertThat(map.commandWithoutCommand("ubuntu:22.04", List.of())).isEmpty();
    assertThat(map.commandWithoutCommand("debian:12", List.of("echo")))
        .as("the host entry has no entrypoint")
        .isEmpty();
  }

  @Test
  void aChangedFileIsReadAgainWithoutARestart() throws IOException {
    LocalImageMap map = new LocalImageMap(BUILT_IN, file);
    assertThat(map.get("team/*")).isEmpty();

    Files.writeString(file, "images:\n  team/*:\n    python: /opt/team/bin/python\n");

    assertThat(map.environments().get("team/*").pythonInterpreter())
        .isEqualTo("/opt/team/bin/python");
    Files.delete(file);
    assertThat(map.environments()).doesNotContainKey("team/*");
  }

  @Test
  void aBadFileIsReportedWithItsEntryAndFieldAndTheLastGoodMapStays() throws IOException {
    Files.writeString(file, "images:\n  team/*:\n    python: /opt/team/bin/python\n");
    LocalImageMap map = new LocalImageMap(BUILT_IN, file);
    assertThat(map.environments()).containsKey("team/*");

    Files.writeString(file, "images:\n  team/*:\n    code: {opt/team: /srv/team}\n");

    assertThat(map.environments().get("team/*").pythonInterpreter())
        .as("the last good map stays in use")
        .isEqualTo("/opt/team/bin/python");
    assertThat(map.list().problem())
        .contains("code folder of image entry 'team/*'")
        .contains("'opt/team'")
        .contains("images[\"team/*\"].code.opt/team");
    assertThatThrownBy(() -> map.set(entry("other/*")))
        .isInstanceOfSatisfying(
            CapstanException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_STATE))
        .hasMessageContaining("fix it by hand first");

    Files.writeString(file, "images:\n  team/*:\n    unknown: 1\n");
    assertThat(map.list().problem())
        .contains("Expected the fields of image entry 'team/*' to be among")
        .contains("found 'unknown'");
    Files.writeString(file, "images: [a, b]\n");
    assertThat(map.list().problem()).contains("Expected images to be a mapping, but was a list");
    Files.writeString(file, "images:\n  team/*:\n    entrypoint: python3\n");
    assertThat(map.list().problem())
        .contains("Expected images[\"team/*\"].entrypoint to be a list of strings");

    Files.writeString(file, "images:\n  team/*:\n    python: /opt/fixed/bin/python\n");
    assertThat(map.list().problem()).isNull();
    assertThat(map.environments().get("team/*").pythonInterpreter())
        .isEqualTo("/opt/fixed/bin/python");
  }

  @Test
  void setWritesTheFileAndDeleteRemovesTheEntry() throws IOException {
    LocalImageMap map = new LocalImageMap(BUILT_IN, file);

    ImageEnvironment stored = map.set(entry("kubeflow/pytorch-mnist*"));

    assertThat(stored.origin()).isEqualTo(ImageEnvironment.FILE);
    assertThat(Files.readString(file))
        .startsWith("# Capstan's image map")
        .contains("kubeflow/pytorch-mnist*", "/opt/pytorch-mnist: " + code, "- python3");
    assertThat(new LocalImageMap(BUILT_IN, file).get("kubeflow/pytorch-mnist*"))
        .as("what is written reads back the same")
        .contains(stored);
    assertThat(map.delete("kubeflow/pytorch-mnist*")).isTrue();
    assertThat(map.delete("kubeflow/pytorch-mnist*")).isFalse();
    assertThat(map.get("kubeflow/pytorch-mnist*")).isEmpty();
  }

  @Test
  void setRefusesABadEntryNamingItsFieldAndChangesNothing() {
    LocalImageMap map = new LocalImageMap(BUILT_IN, file);
    ImageEnvironment good = entry("team/*");

    assertRefused(
        map,
        withCode(good, Map.of("/opt/team", "relative/folder")),
        "images[\"team/*\"].code./opt/team",
        "to be an absolute, normalized path, but was 'relative/folder'");
    assertRefused(
        map,
        withCode(good, Map.of("/opt/team", dir.resolve("missing").toString())),
        "images[\"team/*\"].code./opt/team",
        "to be a folder on this machine");
    assertRefused(
        map,
        withCode(good, Map.of("/opt/team", file.getParent().toString())),
        "images[\"team/*\"].code./opt/team",
        "to be outside the data directory " + file.getParent());
    assertRefused(
        map,
        withCode(good, Map.of("/capstan/work", code.toString())),
        "images[\"team/*\"].code./capstan/work",
        "outside /capstan");
    assertRefused(
        map,
        new ImageEnvironment("team/*", null, Map.of(), "work", null, List.of(), Map.of(), null),
        "images[\"team/*\"].workingDir",
        "absolute, normalized container path");
    assertRefused(
        map,
        new ImageEnvironment(
            "team/*", null, Map.of(), null, null, List.of(), Map.of("1BAD", "x"), null),
        "images[\"team/*\"].env.1BAD",
        "found '1BAD'");
    assertRefused(
        map,
        new ImageEnvironment(
            "team/*", "bin/python", Map.of(), null, null, List.of(), Map.of(), null),
        "images[\"team/*\"].python",
        "absolute path or a command on PATH");
    assertThat(file).doesNotExist();
  }

  private static void assertRefused(
      LocalImageMap map, ImageEnvironment entry, String field, String message) {
    assertThatThrownBy(() -> map.set(entry))
        .isInstanceOfSatisfying(
            CapstanException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
              assertThat(e.field()).isEqualTo(field);
            })
        .hasMessageContaining(message);
  }

  private ImageEnvironment entry(String pattern) {
    return new ImageEnvironment(
        pattern,
        "/usr/bin/python3",
        Map.of("/opt/pytorch-mnist", code.toString()),
        "/opt/pytorch-mnist",
        List.of("python3", "train.py"),
        List.of(),
        Map.of("SEED", "1"),
        null);
  }

  private static ImageEnvironment withCode(ImageEnvironment entry, Map<String, String> code) {
    return new ImageEnvironment(
        entry.pattern(),
        entry.python(),
        code,
        entry.workingDir(),
        entry.entrypoint(),
        entry.args(),
        entry.env(),
        entry.origin());
  }
}
