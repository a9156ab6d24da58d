package io.capstan.tuning.suggestion;

import java.util.List;

/**
 * A Parzen estimator over all parameters at once, as Optuna's multivariate TPE builds it (Falkner
 * et al. 2018, BOHB's kernel density): one component per observation and a prior component, each a
 * product over the parameters of a truncated Gaussian (numeric: at the observation, bandwidth
 * {@code 0.2 * n^(-1 / (d + 4))} of the range, Scott's rule, clipped to [range / min(100, n + 1),
 * range]; the prior's at the middle with the whole range) or a categorical kernel (the observed
 * choice plus {@code prior_weight} pseudo-counts spread over the choices; the prior's uniform).
 * Unlike the per-parameter estimator it keeps what the good trials share: a draw takes all its
 * values near one good trial.
 */
final class JointParzenEstimator {
  private static final double LOG_SQRT_2PI = 0.5 * StrictMath.log(2 * StrictMath.PI);
  private static final double SCOTT = 0.2;
  private final List<Dimension> dimensions;

  /** [component][dimension]: the mean (numeric) or choice index (categorical); last: the prior. */
  private final double[][] centers;

  /** Per dimension: the numeric bandwidth of the observations. */
  private final double[] sigmas;

  private final double[] cumulativeWeights;

  /** Per component: log weight plus the numeric kernels' log normalizing constants. */
  private final double[] logConstants;

  /** Per dimension, categorical: the log probability of the component's own choice, of another. */
  private final double[] logHit;

  private final double[] logMiss;

  /**
   * Per dimension: whether categorical; the log of 1 / choices; 1 / sigma; the prior's 1 / sigma.
   */
  private final boolean[] categorical;

  private final double[] logUniform;
  private final double[] inverseSigmas;
  private final double[] priorInverseSigmas;
  private final double priorWeight;

  JointParzenEstimator(
      List<Dimension> dimensions, double[][] observations, double[] weights, double priorWeight) {
    this.dimensions = dimensions;
    this.priorWeight = priorWeight;
    int n = observations.length;
    int d = dimensions.size();
    centers = new double[n + 1][];
    System.arraycopy(observations, 0, centers, 0, n);
    double[] prior = new double[d];
    sigmas = new double[d];
    logHit = new double[d];
    logMiss = new double[d];
    categorical = new boolean[d];
    logUniform = new double[d];
    inverseSigmas = new double[d];
    priorInverseSigmas = new double[d];
    double scale = SCOTT * StrictMath.pow(Math.max(n, 1), -1.0 / (d + 4));
    for (int j = 0; j < d; j++) {
      Dimension dimension = dimensions.get(j);
      if (dimension.categorical()) {
        int choices = dimension.choices().size();
        prior[j] = -1;
        categorical[j] = true;
        logUniform[j] = -StrictMath.log(choices);
        logHit[j] = StrictMath.log((priorWeight / choices + 1) / (priorWeight + 1));
        logMiss[j] = StrictMath.log(priorWeight / choices / (priorWeight + 1));
      } else {
        double range = dimension.high() - dimension.low();
        prior[j] = (dimension.low() + dimension.high()) / 2;
        sigmas[j] = Math.min(range, Math.max(range / Math.min(100.0, n + 1.0), scale * range));
        inverseSigmas[j] = 1 / sigmas[j];
        priorInverseSigmas[j] = 1 / range;
      }
    }
    centers[n] = prior;
    double total = priorWeight;
    for (double weight : weights) {
      total += weight;
    }
    cumulativeWeights = new double[n + 1];
    logConstants = new double[n + 1];
    double cumulative = 0;
    for (int i = 0; i <= n; i++) {
      double weight = (i == n ? priorWeight : weights[i]) / total;
      cumulative += weight;
      cumulativeWeights[i] = cumulative;
      double constant = StrictMath.log(weight);
      for (int j = 0; j < d; j++) {
        Dimension dimension = dimensions.get(j);
        if (!dimension.categorical()) {
          double sigma = sigma(i, j);
          constant -=
              LOG_SQRT_2PI
                  + StrictMath.log(sigma)
                  + logMass(centers[i][j], sigma, dimension.low(), dimension.high());
        }
      }
      logConstants[i] = constant;
    }
  }

  private boolean isPrior(int component) {
    return component == centers.length - 1;
  }

  private double sigma(int component, int dimension) {
    return isPrior(component)
        ? dimensions.get(dimension).high() - dimensions.get(dimension).low()
        : sigmas[dimension];
  }

  private static double logMass(double mean, double sigma, double low, double high) {
    double above = (high - mean) / sigma;
    double below = (low - mean) / sigma;
    if (above > 8 && below < -8) {
      return 0;
    }
    return StrictMath.log(
        Math.max(ParzenEstimator.cdf(above) - ParzenEstimator.cdf(below), 1e-300));
  }

  /** A draw from the mixture: one component, then each parameter from its kernel. */
  double[] sample(TrialRandom random) {
    double u = random.nextDouble() * cumulativeWeights[cumulativeWeights.length - 1];
    int low = 0;
    int high = cumulativeWeights.length - 1;
    while (low < high) {
      int middle = (low + high) >>> 1;
      if (u < cumulativeWeights[middle]) {
        high = middle;
      } else {
        low = middle + 1;
      }
    }
    int component = low;
    double[] x = new double[dimensions.size()];
    for (int j = 0; j < x.length; j++) {
      Dimension dimension = dimensions.get(j);
      double center = centers[component][j];
      if (dimension.categorical()) {
        int choices = dimension.choices().size();
        int own = (int) center;
        // the own choice with (p / c + 1) / (p + 1), each with (p / c) / (p + 1)
        boolean hasOwn = !isPrior(component) && own >= 0;
        double v = random.nextDouble() * (hasOwn ? priorWeight + 1 : priorWeight);
        x[j] =
            hasOwn && v >= priorWeight
                ? own
                : Math.min(choices - 1, (int) (v / priorWeight * choices));
      } else {
        x[j] = dimension.truncatedNormal(random, center, sigma(component, j));
      }
    }
    return x;
  }

  /** The log density of the mixture at {@code x}. */
  double logDensity(double[] x) {
    ParzenEstimator.LogSum sum = new ParzenEstimator.LogSum();
    int d = x.length;
    for (int i = 0; i < centers.length; i++) {
      double[] center = centers[i];
      double term = logConstants[i];
      boolean prior = isPrior(i);
      double[] inverse = prior ? priorInverseSigmas : inverseSigmas;
      for (int j = 0; j < d; j++) {
        if (categorical[j]) {
          int own = (int) center[j];
          term += prior || own < 0 ? logUniform[j] : own == (int) x[j] ? logHit[j] : logMiss[j];
        } else {
          double z = (x[j] - center[j]) * inverse[j];
          term -= 0.5 * z * z;
        }
      }
      sum.add(term);
    }
    return sum.value();
  }
}
