package io.capstan.api.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.api.error.CapstanException;
import org.junit.jupiter.api.Test;

/** Dataset references: {@code [PROJECT/]NAME@VERSION[:PATH]}, errors naming the field. */
class DatasetMountTest {
  private static final String FIELD = "metadata.annotations[capstan.io/datasets]";

  @Test
  void aReferenceNamesTheVersionAndPathOrTheDefaultPath() {
    assertThat(DatasetMount.parse("imagenet-mini@3:/data/imagenet", FIELD))
        .isEqualTo(new DatasetMount(null, "imagenet-mini", 3, "/data/imagenet", FIELD));
    assertThat(DatasetMount.parse(" vision/corpus@12 ", FIELD))
        .isEqualTo(new DatasetMount("vision", "corpus", 12, "/datasets/corpus", FIELD));
    assertThat(DatasetMount.parseList("a@1, b@2:/b", FIELD))
        .extracting(DatasetMount::reference)
        .containsExactly("a@1:/datasets/a", "b@2:/b");
    assertThat(DatasetMount.parseList(" ", FIELD)).isEmpty();
  }

  @Test
  void malformedReferencesAreRefusedNamingTheField() {
    assertRefused("imagenet", "[PROJECT/]NAME@VERSION[:PATH]");
    assertRefused("imagenet@latest", "version number from 1");
    assertRefused("imagenet@0", "version number from 1");
    assertRefused("ImageNet@1", "lowercase letters");
    assertRefused("a@1:data", "absolute path");
    assertRefused("a@1:/", "absolute path");
    assertRefused("a@1:/x/../etc", "without '..'");
    assertThatThrownBy(() -> DatasetMount.parseList("a@1:/d,b@1:/d", FIELD))
        .isInstanceOf(CapstanException.class)
        .hasMessageContaining("two are mounted at '/d'");
  }

  private static void assertRefused(String reference, String message) {
    assertThatThrownBy(() -> DatasetMount.parse(reference, FIELD))
        .isInstanceOfSatisfying(CapstanException.class, e -> assertThat(e.field()).isEqualTo(FIELD))
        .hasMessageContaining(message)
        .hasMessageContaining(reference);
  }
}
