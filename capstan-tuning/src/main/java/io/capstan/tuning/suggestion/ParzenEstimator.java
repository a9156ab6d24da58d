package io.capstan.tuning.suggestion;

import java.util.Arrays;

/**
 * A one-dimensional Parzen estimator over [low, high] as in Bergstra et al. (2011) and hyperopt's
 * {@code adaptive_parzen_normal}: a Gaussian at each observation and one prior Gaussian (mean at
 * the middle, sigma the whole range), each observation's bandwidth the larger distance to its
 * sorted neighbours, clipped to [range / min(100, n + 1), range]; every Gaussian truncated to the
 * interval.
 */
final class ParzenEstimator {
  /** Beyond this many sigmas a Gaussian's tail mass is below 1e-15. */
  private static final double NEGLIGIBLE_Z = 8;

  private static final double LOG_SQRT_2PI = 0.5 * StrictMath.log(2 * StrictMath.PI);
  private final double low;
  private final double high;
  private final double[] means;
  private final double[] sigmas;
  private final double[] weights;
  private final double[] logCoefficients;
  private final double[] inverseSigmas;
  private final int priorIndex;
  private final double widestObservation;

  ParzenEstimator(double[] observations, double low, double high, double priorWeight) {
    this.low = low;
    this.high = high;
    int n = observations.length;
    double range = high - low;
    double prior = (low + high) / 2;
    double[] sorted = Arrays.copyOf(observations, n + 1);
    sorted[n] = prior;
    Arrays.sort(sorted);
    priorIndex = Arrays.binarySearch(sorted, prior);
    means = sorted;
    sigmas = new double[n + 1];
    weights = new double[n + 1];
    double minSigma = range / Math.min(100.0, n + 1.0);
    for (int i = 0; i <= n; i++) {
      double left = i > 0 ? sorted[i] - sorted[i - 1] : 0;
      double right = i < n ? sorted[i + 1] - sorted[i] : 0;
      sigmas[i] = Math.min(range, Math.max(minSigma, Math.max(left, right)));
      weights[i] = 1.0;
    }
    sigmas[priorIndex] = range;
    weights[priorIndex] = priorWeight;
    double total = 0;
    for (double weight : weights) {
      total += weight;
    }
    logCoefficients = new double[n + 1];
    inverseSigmas = new double[n + 1];
    double widest = 0;
    double logObservationWeight = StrictMath.log(1.0 / total);
    for (int i = 0; i <= n; i++) {
      weights[i] /= total;
      double logWeight = i == priorIndex ? StrictMath.log(weights[i]) : logObservationWeight;
      logCoefficients[i] = logWeight - LOG_SQRT_2PI - StrictMath.log(sigmas[i]) - logMass(i);
      inverseSigmas[i] = 1 / sigmas[i];
      if (i != priorIndex) {
        widest = Math.max(widest, sigmas[i]);
      }
    }
    widestObservation = widest;
  }

  /** The log of the share of component i inside [low, high]; 0 when it lies well inside. */
  private double logMass(int i) {
    double above = (high - means[i]) / sigmas[i];
    double below = (low - means[i]) / sigmas[i];
    if (above > NEGLIGIBLE_Z && below < -NEGLIGIBLE_Z) {
      return 0;
    }
    return StrictMath.log(Math.max(cdf(above) - cdf(below), 1e-300));
  }

  /** A draw from the mixture, kept inside [low, high]. */
  double sample(TrialRandom random) {
    double u = random.nextDouble();
    int component = 0;
    double cumulative = weights[0];
    while (u >= cumulative && component < weights.length - 1) {
      component++;
      cumulative += weights[component];
    }
    for (int i = 0; i < 64; i++) {
      double x = means[component] + sigmas[component] * random.nextGaussian();
      if (x >= low && x <= high) {
        return x;
      }
    }
    return Math.max(low, Math.min(high, means[component]));
  }

  /** The log density of the mixture at {@code x}. */
  double logDensity(double x) {
    // log-sum-exp over the components near x: one more than 9 sigmas away adds under e^-40 of
    // the nearest one's share; the prior (widest) always counts
    double reach = 9 * widestObservation;
    int from = lowerBound(x - reach);
    double max = Double.NEGATIVE_INFINITY;
    double sum = 0;
    for (int i = from; i < means.length && means[i] <= x + reach; i++) {
      double z = (x - means[i]) * inverseSigmas[i];
      double term = logCoefficients[i] - 0.5 * z * z;
      if (term > max) {
        sum = (max == Double.NEGATIVE_INFINITY ? 0 : sum * StrictMath.exp(max - term)) + 1;
        max = term;
      } else if (term - max > -40) {
        sum += StrictMath.exp(term - max);
      }
    }
    if (priorIndex < from || means[priorIndex] > x + reach) {
      double z = (x - means[priorIndex]) * inverseSigmas[priorIndex];
      double term = logCoefficients[priorIndex] - 0.5 * z * z;
      if (term > max) {
        sum = (max == Double.NEGATIVE_INFINITY ? 0 : sum * StrictMath.exp(max - term)) + 1;
        max = term;
      } else {
        sum += StrictMath.exp(term - max);
      }
    }
    return max + StrictMath.log(sum);
  }

  /** The first index whose mean is at least {@code value}. */
  private int lowerBound(double value) {
    int low = 0;
    int high = means.length;
    while (low < high) {
      int middle = (low + high) >>> 1;
      if (means[middle] < value) {
        low = middle + 1;
      } else {
        high = middle;
      }
    }
    return low;
  }

  /** The standard normal distribution function (Abramowitz and Stegun 7.1.26 through erf). */
  static double cdf(double z) {
    double x = Math.abs(z) / StrictMath.sqrt(2);
    double t = 1 / (1 + 0.3275911 * x);
    double erf =
        1
            - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t
                    + 0.254829592)
                * t
                * StrictMath.exp(-x * x);
    return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
  }
}
