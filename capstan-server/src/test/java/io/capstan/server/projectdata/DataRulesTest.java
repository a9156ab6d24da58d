package io.capstan.server.projectdata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Names, keys, encodings and sizes as Kubernetes allows them; refusals name the field only. */
class DataRulesTest {
  private static final String VALUE = "s3cr3t-value";

  @Test
  void namesAreDnsLabels() {
    assertThat(DataRules.requireName("name", "db-1")).isEqualTo("db-1");
    for (String bad : new String[] {"DB", "-db", "a_b", "a".repeat(64), ""}) {
      assertThatThrownBy(() -> DataRules.requireName("name", bad))
          .isInstanceOfSatisfying(
              CapstanException.class, e -> assertThat(e.field()).isEqualTo("name"))
          .hasMessageContaining("DNS-1123 label");
    }
    assertThatThrownBy(() -> DataRules.requireName("name", null)).hasMessageEndingWith("missing");
  }

  @Test
  void keysAreWhatKubernetesAllowsAndStringDataWinsOverData() {
    Map<String, byte[]> values =
        DataRules.secretValues(Map.of("a.b_C-1", "eA==", "both", "eA=="), Map.of("both", "text"));
    assertThat(values.get("a.b_C-1")).containsExactly('x');
    assertThat(values.get("both")).isEqualTo("text".getBytes());
    for (String bad : new String[] {"a/b", "..", ".", "sp ace", "k".repeat(254)}) {
      assertThatThrownBy(() -> DataRules.configMapValues(Map.of(bad, VALUE)))
          .isInstanceOfSatisfying(
              CapstanException.class, e -> assertThat(e.field()).isEqualTo("data"))
          .hasMessageNotContaining(VALUE);
    }
    assertThatThrownBy(() -> DataRules.secretValues(null, Map.of("a b", VALUE)))
        .isInstanceOfSatisfying(
            CapstanException.class, e -> assertThat(e.field()).isEqualTo("stringData"));
  }

  @Test
  void aValueThatIsNotBase64IsRefusedWithoutQuotingIt() {
    assertThatThrownBy(() -> DataRules.secretValues(Map.of("password", VALUE + "!"), null))
        .isInstanceOfSatisfying(
            CapstanException.class,
            e -> {
              assertThat(e.field()).isEqualTo("data.password");
              assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
            })
        .hasMessageContaining("base64")
        .hasMessageNotContaining(VALUE)
        .hasMessageNotContaining("!");
  }

  @Test
  void keysAndValuesHoldAtMostOneMebibyte() {
    String big = "x".repeat(DataRules.MAX_BYTES - 1);
    assertThat(DataRules.configMapValues(Map.of("k", big))).containsKey("k");
    assertThatThrownBy(() -> DataRules.configMapValues(Map.of("k", big + "x")))
        .isInstanceOfSatisfying(
            CapstanException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.PAYLOAD_TOO_LARGE);
              assertThat(e.field()).isEqualTo("data");
            })
        .hasMessageContaining("1048577");
  }
}
