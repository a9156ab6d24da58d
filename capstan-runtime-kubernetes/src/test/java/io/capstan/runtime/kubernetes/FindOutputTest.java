package io.capstan.runtime.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.runtime.VolumeFile;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FindOutputTest {
  @Test
  void entriesAreReadByTheirEndsSortedAndOnlyRegularFilesHaveASize() {
    String output = "12 81a4\n./b/model.pt\0" + "7 a1ff\n./a-link\0" + "3 81a4\n./new\nline\0";

    assertThat(FindOutput.parse(output.getBytes(StandardCharsets.UTF_8)))
        .containsExactly(
            new VolumeFile("a-link", 0, false),
            new VolumeFile("b/model.pt", 12, true),
            new VolumeFile("new\nline", 3, true));
    assertThat(FindOutput.parse(new byte[0])).isEmpty();
  }

  @Test
  void outputOfAnotherShapeIsRefusedSayingWhatWasExpected() {
    assertThatThrownBy(() -> FindOutput.parse("./a\n".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Expected the volume reader's find to print '<size> <mode>'")
        .hasMessageContaining("./a\\n");
    assertThatThrownBy(() -> FindOutput.parse("x 81a4\n./a\0".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalStateException.class);
  }
}
