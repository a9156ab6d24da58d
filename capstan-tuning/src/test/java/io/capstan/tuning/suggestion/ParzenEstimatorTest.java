package io.capstan.tuning.suggestion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * The estimators' shortcuts (merged repeated values, the window of nearby components) give the
 * density of the plain mixture, and linear forgetting and the good-trial split follow Optuna.
 */
class ParzenEstimatorTest {
  /** The mixture's log density summed over every component, as the docs describe it. */
  private static double bruteForce(
      double[] observations,
      double[] weights,
      double low,
      double high,
      double priorWeight,
      double x) {
    int n = observations.length;
    double[] points = new double[n + 1];
    double[] w = new double[n + 1];
    System.arraycopy(observations, 0, points, 0, n);
    System.arraycopy(weights, 0, w, 0, n);
    points[n] = (low + high) / 2;
    w[n] = priorWeight;
    int[] order = ParzenEstimator.sortedOrder(points);
    double range = high - low;
    double minSigma = range / Math.min(100.0, n + 1.0);
    double total = 0;
    for (double weight : w) {
      total += weight;
    }
    double density = 0;
    for (int i = 0; i <= n; i++) {
      double mean = points[order[i]];
      double left = i > 0 ? mean - points[order[i - 1]] : 0;
      double right = i < n ? points[order[i + 1]] - mean : 0;
      double sigma =
          order[i] == n ? range : Math.min(range, Math.max(minSigma, Math.max(left, right)));
      double mass =
          ParzenEstimator.cdf((high - mean) / sigma) - ParzenEstimator.cdf((low - mean) / sigma);
      double z = (x - mean) / sigma;
      density +=
          w[order[i]] / total * Math.exp(-0.5 * z * z) / (sigma * Math.sqrt(2 * Math.PI) * mass);
    }
    return Math.log(density);
  }

  @Test
  void matchesThePlainMixtureWithManyRepeatedAndSpreadObservations() {
    TrialRandom random = new TrialRandom(3, 0);
    int n = 3000;
    double[] ints = new double[n];
    double[] spread = new double[n];
    for (int i = 0; i < n; i++) {
      ints[i] = 1 + random.nextInt(5); // an int parameter 1..5 stretched to [0.5, 5.5]
      spread[i] = i % 10 == 0 ? random.uniform(0, 10) : random.uniform(2, 2.5);
    }
    double[] weights = Observations.weights(n);
    ParzenEstimator repeated = new ParzenEstimator(ints, weights, 0.5, 5.5, 1.0);
    ParzenEstimator clustered = new ParzenEstimator(spread, weights, 0, 10, 1.0);
    for (int i = 0; i <= 200; i++) {
      double x = 0.5 + 5 * i / 200.0;
      assertThat(repeated.logDensity(x))
          .as("x = %s", x)
          .isCloseTo(bruteForce(ints, weights, 0.5, 5.5, 1.0, x), within(1e-9));
      double y = 10 * i / 200.0;
      assertThat(clustered.logDensity(y))
          .as("y = %s", y)
          .isCloseTo(bruteForce(spread, weights, 0, 10, 1.0, y), within(1e-9));
    }
  }

  @Test
  void samplesStayInsideTheInterval() {
    TrialRandom random = new TrialRandom(5, 1);
    ParzenEstimator estimator =
        new ParzenEstimator(new double[] {0, 0.01, 9.99}, new double[] {1, 1, 1}, 0, 10, 1.0);
    for (int i = 0; i < 10_000; i++) {
      assertThat(estimator.sample(random)).isBetween(0.0, 10.0);
    }
  }

  @Test
  void fadesOldObservationsAsOptunaDoes() {
    // numpy: np.concatenate([np.linspace(1 / 28, 1, 3), np.ones(25)])
    double[] weights = Observations.weights(28);
    assertThat(weights[0]).isCloseTo(1 / 28.0, within(1e-15));
    assertThat(weights[1]).isCloseTo((1 / 28.0 + 1) / 2, within(1e-15));
    assertThat(weights[2]).isEqualTo(1.0);
    assertThat(weights[27]).isEqualTo(1.0);
    assertThat(Observations.weights(26)[0]).isCloseTo(1 / 26.0, within(1e-15));
    assertThat(Observations.weights(25)).containsOnly(1.0);
  }

  @Test
  void picksTheLowestLossesEarlierTrialFirstOnTies() {
    assertThat(Observations.best(new double[] {3, 1, 2, 1, 0, 5}, 3))
        .containsExactly(false, true, false, true, true, false);
    assertThat(Observations.best(new double[] {2, 2, 2}, 2)).containsExactly(true, true, false);
  }
}
