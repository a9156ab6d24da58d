package io.capstan.api.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import org.junit.jupiter.api.Test;

/** Model references: NAME:VERSION and NAME@ALIAS, with errors naming the field. */
class ModelRefTest {
  @Test
  void parsesVersionsAndAliases() {
    assertThat(ModelRef.parse("churn:3", "ref")).isEqualTo(ModelRef.version("churn", 3));
    assertThat(ModelRef.parse("churn@production", "ref"))
        .isEqualTo(ModelRef.alias("churn", "production"));
    assertThat(ModelRef.parse("churn@latest", "ref").latest()).isTrue();
    assertThat(ModelRef.parse("a.b-c_d:12", "ref").toString()).isEqualTo("a.b-c_d:12");
  }

  @Test
  void refusesMalformedReferencesNamingTheField() {
    assertRefused("churn", "NAME:VERSION (e.g. churn:3) or NAME@ALIAS");
    assertRefused("churn:0", "positive whole number, but was '0'");
    assertRefused("churn:03", "positive whole number, but was '03'");
    assertRefused("churn:x", "positive whole number, but was 'x'");
    assertRefused("churn:", "positive whole number, but was ''");
    assertRefused("Churn:1", "model name in model to be lowercase");
    assertRefused(":1", "but was ''");
    assertRefused("churn@Prod", "alias in model to start with a lowercase letter");
    assertRefused("churn@1", "but was '1'");
    assertRefused("churn@a:1", "not both");
    assertRefused("", "but it is empty");
    assertRefused(null, "but it is empty");
  }

  @Test
  void latestCanBeReadButNotAssigned() {
    assertThat(ModelRef.checkAlias("latest", "alias", true)).isEqualTo("latest");
    assertThatThrownBy(() -> ModelRef.checkAlias("latest", "alias", false))
        .isInstanceOfSatisfying(
            CapstanException.class,
            e -> {
              assertThat(e.field()).isEqualTo("alias");
              assertThat(e.getMessage()).contains("cannot be assigned");
            });
  }

  @Test
  void namesAreBoundedInLength() {
    String longest = "m".repeat(ModelRef.MAX_NAME_LENGTH);
    assertThat(ModelRef.checkName(longest, "name")).isEqualTo(longest);
    assertThatThrownBy(() -> ModelRef.checkName(longest + "m", "name"))
        .isInstanceOf(CapstanException.class);
  }

  private static void assertRefused(String text, String message) {
    assertThatThrownBy(() -> ModelRef.parse(text, "model"))
        .isInstanceOfSatisfying(
            CapstanException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
              assertThat(e.field()).isEqualTo("model");
              assertThat(e.getMessage()).contains(message);
            });
  }
}
