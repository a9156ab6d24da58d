package io.capstan.server.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Where a Katib collector's folder is mounted and which of its files are read. */
class CollectorFolderTest {
  @Test
  void aFileCollectorMountsItsFilesFolderAndReadsThatFileOnly() {
    CollectorFolder file =
        new CollectorFolder(CollectorFolder.FILE, "/katib/mnist.log", "TEXT", List.of());
    assertThat(file.folder()).isEqualTo("/katib");
    assertThat(file.mount()).get().extracting(m -> m.containerPath()).isEqualTo("/katib");
    assertThat(file.reads("collector/mnist.log")).isTrue();
    assertThat(file.reads("collector/other.log")).isFalse();
    assertThat(file.reads("collector/sub/mnist.log")).isFalse();
    assertThat(file.reads("capstan-metrics.jsonl")).isFalse();
    // A file right under / has no folder of its own to replace.
    assertThat(new CollectorFolder(CollectorFolder.FILE, "/m.log", "TEXT", List.of()).mount())
        .isEmpty();
  }

  @Test
  void anEventCollectorMountsItsDirectoryAndReadsEveryEventFileBelowIt() {
    CollectorFolder events =
        new CollectorFolder(
            CollectorFolder.TENSORFLOW_EVENT, "/mnist-with-summaries-logs/test/", null, List.of());
    assertThat(events.folder()).isEqualTo("/mnist-with-summaries-logs/test");
    assertThat(events.reads("collector/events.out.tfevents.1700000000.host.1.0")).isTrue();
    assertThat(events.reads("collector/run/events.out.tfevents.1700000000.host.1.0")).isTrue();
    assertThat(events.reads("collector/notes.txt")).isFalse();
  }

  @Test
  void anUnknownKindOrARelativePathIsRefused() {
    assertThatThrownBy(() -> new CollectorFolder("StdOut", "/a/b", null, List.of()))
        .hasMessageContaining("File or TensorFlowEvent");
    assertThatThrownBy(() -> new CollectorFolder(CollectorFolder.FILE, "a/b", "TEXT", List.of()))
        .hasMessageContaining("absolute");
  }
}
