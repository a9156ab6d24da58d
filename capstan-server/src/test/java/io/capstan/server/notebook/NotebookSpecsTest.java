package io.capstan.server.notebook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import io.capstan.api.notebook.NotebookSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A notebook spec's defaults and refusals, each naming its field. */
class NotebookSpecsTest {
  private static final String IMAGE = "pytorch/pytorch:latest";

  @Test
  void fillsInTheDefaults() {
    NotebookSpec spec =
        NotebookSpecs.normalize(new NotebookSpec("lab", null, null, null, null, null, null), IMAGE);
    assertThat(spec).isEqualTo(new NotebookSpec("lab", IMAGE, 0, "1", "2Gi", null, List.of()));
  }

  @Test
  void refusesWhatCouldNeverRunNamingTheField() {
    assertRefused(new NotebookSpec("Lab", null, null, null, null, null, null), "name");
    assertRefused(new NotebookSpec("a".repeat(41), null, null, null, null, null, null), "name");
    assertRefused(new NotebookSpec("lab", null, -1, null, null, null, null), "gpus");
    assertRefused(new NotebookSpec("lab", null, null, "lots", null, null, null), "cpu");
    assertRefused(new NotebookSpec("lab", null, null, "0", null, null, null), "cpu");
    assertRefused(new NotebookSpec("lab", null, null, null, "0", null, null), "memory");
    assertRefused(new NotebookSpec("lab", null, null, null, null, -5L, null), "cullAfterSeconds");
  }

  @Test
  void datasetReferencesBecomeReadOnlyMountsAndAMalformedOneIsRefusedByIndex() {
    assertThat(NotebookSpecs.mounts(List.of("imagenet@3:/data", "vision/coco@1")))
        .extracting(m -> m.name() + "@" + m.version())
        .containsExactly("imagenet@3", "coco@1");

    NotebookSpec spec =
        new NotebookSpec("lab", null, null, null, null, null, List.of("imagenet@3", "coco"));
    assertThatThrownBy(() -> NotebookSpecs.normalize(spec, IMAGE))
        .isInstanceOfSatisfying(
            CapstanException.class,
            e -> assertThat(e.getMessage()).contains("datasets[1]").contains("coco"));
  }

  private static void assertRefused(NotebookSpec spec, String field) {
    assertThatThrownBy(() -> NotebookSpecs.normalize(spec, IMAGE))
        .isInstanceOfSatisfying(
            CapstanException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
              assertThat(e.field()).isEqualTo(field);
              assertThat(e.getMessage()).startsWith("Expected");
            });
  }
}
