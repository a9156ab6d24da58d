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
  private static final double LOG_SQRT_2PI = 0.5 * StrictMath.log(2 * StrictMath.PI);
  private final double low;
  private final double high;
  private final double[] means;
  private final double[] sigmas;
  private final double[] weights;
  private final double[] logCoefficients;

  ParzenEstimator(double[] observations, double low, double high, double priorWeight) {
    this.low = low;
    this.high = high;
    int n = observations.length;
    double range = high - low;
    double prior = (low + high) / 2;
    double[] sorted = Arrays.copyOf(observations, n + 1);
    sorted[n] = prior;
    Arrays.sort(sorted);
    int priorIndex = Arrays.binarySearch(sorted, prior);
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
    for (int i = 0; i <= n; i++) {
      weights[i] /= total;
      double mass = cdf((high - means[i]) / sigmas[i]) - cdf((low - means[i]) / sigmas[i]);
      logCoefficients[i] =
          StrictMath.log(weights[i])
              - LOG_SQRT_2PI
              - StrictMath.log(sigmas[i])
              - StrictMath.log(Math.max(mass, 1e-300));
    }
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
    double max = Double.NEGATIVE_INFINITY;
    double[] terms = new double[means.length];
    for (int i = 0; i < means.length; i++) {
      double z = (x - means[i]) / sigmas[i];
      terms[i] = logCoefficients[i] - 0.5 * z * z;
      max = Math.max(max, terms[i]);
    }
    double sum = 0;
    for (double term : terms) {
      sum += StrictMath.exp(term - max);
    }
    return max + StrictMath.log(sum);
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
