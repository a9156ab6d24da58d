package io.capstan.tuning.suggestion;

import io.capstan.tuning.experiment.ObjectiveType;
import java.util.List;

/**
 * The observed trials of an experiment as TPE reads them: every parameter's internal coordinate
 * (parsed once, one trial at a time), split into the best {@code below} trials and the rest, each
 * in creation order with its linear-forgetting weight (hyperopt's and Optuna's: the newest 25 weigh
 * 1, older ones down to 1 / n).
 *
 * @param good the coordinates of the best trials, [trial][dimension]
 * @param bad the coordinates of the others, [trial][dimension]
 */
record Observations(double[][] good, double[] goodWeights, double[][] bad, double[] badWeights) {
  /** Observations at full weight up to this many; older ones fade linearly. */
  static final int FORGETTING = 25;

  static Observations of(
      SearchSpace space, ObjectiveType objective, List<Trial> observed, int below) {
    List<Dimension> dimensions = space.dimensions();
    int n = observed.size();
    double[][] coordinates = new double[n][];
    double[] losses = new double[n];
    for (int i = 0; i < n; i++) {
      Trial trial = observed.get(i);
      double[] x = new double[dimensions.size()];
      for (int d = 0; d < x.length; d++) {
        Dimension dimension = dimensions.get(d);
        double value = dimension.internal(trial.assignment().value(dimension.name()));
        x[d] =
            dimension.categorical()
                ? value
                : Math.max(dimension.low(), Math.min(dimension.high(), value));
      }
      coordinates[i] = x;
      losses[i] = objective.loss(trial.objective());
    }
    boolean[] best = best(losses, below);
    double[][] good = new double[below][];
    double[][] bad = new double[n - below][];
    for (int i = 0, g = 0, b = 0; i < n; i++) {
      if (best[i]) {
        good[g++] = coordinates[i];
      } else {
        bad[b++] = coordinates[i];
      }
    }
    return new Observations(good, weights(good.length), bad, weights(bad.length));
  }

  /**
   * Which trials are the {@code count} lowest losses; of equal losses the earlier trial wins (a
   * partial insertion sort: O(n * count) at worst, O(n) when losses arrive in random order).
   */
  static boolean[] best(double[] losses, int count) {
    int[] top = new int[count];
    int size = 0;
    for (int i = 0; i < losses.length; i++) {
      if (size == count && !(losses[i] < losses[top[size - 1]])) {
        continue;
      }
      int at = size == count ? size - 1 : size++;
      while (at > 0 && losses[i] < losses[top[at - 1]]) {
        top[at] = top[at - 1];
        at--;
      }
      top[at] = i;
    }
    boolean[] best = new boolean[losses.length];
    for (int i = 0; i < size; i++) {
      best[top[i]] = true;
    }
    return best;
  }

  /** The weights of {@code n} observations in creation order: numpy's linspace(1/n, 1, n - 25). */
  static double[] weights(int n) {
    double[] weights = new double[n];
    int fading = n - FORGETTING;
    for (int i = 0; i < n; i++) {
      if (i >= fading) {
        weights[i] = 1;
      } else if (fading == 1) {
        weights[i] = 1.0 / n;
      } else {
        weights[i] = 1.0 / n + i * (1 - 1.0 / n) / (fading - 1);
      }
    }
    return weights;
  }
}
