package io.capstan.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvExpansionTest {
  private static final Map<String, String> VARS =
      Map.of("CAPSTAN_PORT_HTTP", "8080", "NAME", "resnet", "EMPTY", "");

  @Test
  void referencesAreReplacedByTheirValues() {
    assertThat(EnvExpansion.expand("--http-port=$(CAPSTAN_PORT_HTTP)", VARS))
        .isEqualTo("--http-port=8080");
    assertThat(EnvExpansion.expand("$(NAME):$(CAPSTAN_PORT_HTTP)$(EMPTY)", VARS))
        .isEqualTo("resnet:8080");
  }

  @Test
  void aDoubledDollarEscapesAReference() {
    assertThat(EnvExpansion.expand("$$(NAME)", VARS)).isEqualTo("$(NAME)");
    assertThat(EnvExpansion.expand("$$$(NAME)", VARS)).isEqualTo("$resnet");
    assertThat(EnvExpansion.expand("cost: $$5", VARS)).isEqualTo("cost: $5");
  }

  @Test
  void unknownAndUnfinishedReferencesStayAsWritten() {
    assertThat(EnvExpansion.expand("$(UNKNOWN) $(NAME", VARS)).isEqualTo("$(UNKNOWN) $(NAME");
    assertThat(EnvExpansion.expand("$HOME and $ and ends with $", VARS))
        .isEqualTo("$HOME and $ and ends with $");
    assertThat(EnvExpansion.expand("$()", VARS)).isEqualTo("$()");
  }

  @Test
  void aShellCommandSubstitutionIsNotAVariableOfTheLaunch() {
    // Kubernetes leaves $(date) as it is unless the container has a variable called "date".
    assertThat(EnvExpansion.expand("echo $(date)", VARS)).isEqualTo("echo $(date)");
  }

  @Test
  void everyWordOfACommandIsExpanded() {
    assertThat(
            EnvExpansion.expand(
                List.of("server", "--model", "$(NAME)", "--port", "$(CAPSTAN_PORT_HTTP)"), VARS))
        .containsExactly("server", "--model", "resnet", "--port", "8080");
  }
}
