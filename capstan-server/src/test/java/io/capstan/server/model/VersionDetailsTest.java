package io.capstan.server.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.api.error.CapstanException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A new version's description, metrics and tags: parsed from the query, bounded, named errors. */
class VersionDetailsTest {
  @Test
  void readsKeyValuePairsFromTheQuery() {
    VersionDetails details =
        VersionDetails.fromQuery("d", List.of("auc=0.9", "loss=1e-3"), List.of("a=b=c"));

    assertThat(details.metrics()).isEqualTo(Map.of("auc", 0.9, "loss", 0.001));
    assertThat(details.tags()).isEqualTo(Map.of("a", "b=c"));
  }

  @Test
  void explicitMetricsWinOverDefaults() {
    VersionDetails details =
        VersionDetails.fromQuery(null, List.of("auc=0.9"), null)
            .withDefaultMetrics(Map.of("auc", 0.1, "epochs", 5.0));

    assertThat(details.metrics()).isEqualTo(Map.of("auc", 0.9, "epochs", 5.0));
  }

  @Test
  void badInputNamesTheField() {
    assertRefused(() -> VersionDetails.fromQuery(null, List.of("auc"), null), "metric");
    assertRefused(() -> VersionDetails.fromQuery(null, List.of("auc=x"), null), "metric");
    assertRefused(() -> VersionDetails.fromQuery(null, List.of("auc=NaN"), null), "metric");
    assertRefused(() -> VersionDetails.fromQuery(null, null, List.of("=v")), "tag");
    assertRefused(() -> VersionDetails.fromQuery(null, null, List.of("a b=v")), "tag");
    assertRefused(() -> new VersionDetails("x".repeat(1001), null, null), "description");
    Map<String, String> many = new HashMap<>();
    for (int i = 0; i <= VersionDetails.MAX_ENTRIES; i++) {
      many.put("t" + i, "v");
    }
    assertRefused(() -> new VersionDetails(null, null, many), "tag");
    Map<String, Double> nullValue = new HashMap<>();
    nullValue.put("auc", null);
    assertRefused(() -> new VersionDetails(null, nullValue, null), "metric");
  }

  private static void assertRefused(Runnable call, String field) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            CapstanException.class, e -> assertThat(e.field()).isEqualTo(field));
  }
}
