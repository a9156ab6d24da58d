package io.capstan.tuning.suggestion;

/**
 * A one-dimensional Parzen estimator over [low, high] as in Bergstra et al. (2011) and hyperopt's
 * {@code adaptive_parzen_normal}: a Gaussian at each observation (weighted) and one prior Gaussian
 * (mean at the middle, sigma the whole range), each observation's bandwidth the larger distance to
 * its sorted neighbours, clipped to [range / min(100, n + 1), range]; every Gaussian truncated to
 * the interval. Observations at the same point with the same bandwidth (an int parameter's repeated
 * values) are one component with their summed weight.
 */
final class ParzenEstimator {
  /** Beyond this many sigmas a Gaussian's tail mass is below 1e-15. */
  private static final double NEGLIGIBLE_Z = 8;

  /**
   * A component whose mean is over this many of its sigmas from x adds under e^-40 of its weight
   * per sigma, which against the prior's density (at least its weight times 0.35 / range anywhere
   * in the interval) changes the log density by under 1e-10 however many there are.
   */
  private static final double REACH_SIGMAS = 9;

  private static final double LOG_SQRT_2PI = 0.5 * StrictMath.log(2 * StrictMath.PI);
  private final double low;
  private final double high;

  /** Components by mean; the prior among them. */
  private final double[] means;

  private final double[] sigmas;
  private final double[] cumulativeWeights;
  private final double[] logCoefficients;
  private final double[] inverseSigmas;

  /** The components too wide for the window around x: always evaluated. */
  private final int[] wide;

  /** The widest sigma of a narrow component. */
  private final double narrowLimit;

  /** The half-width of the window of means that can matter at x for the narrow components. */
  private final double reach;

  /**
   * @param observations the observations' coordinates, in [low, high]
   * @param observationWeights their weights (the prior's is {@code priorWeight})
   */
  ParzenEstimator(
      double[] observations,
      double[] observationWeights,
      double low,
      double high,
      double priorWeight) {
    this.low = low;
    this.high = high;
    int n = observations.length;
    double range = high - low;
    double prior = (low + high) / 2;
    double[] points = new double[n + 1];
    double[] pointWeights = new double[n + 1];
    System.arraycopy(observations, 0, points, 0, n);
    System.arraycopy(observationWeights, 0, pointWeights, 0, n);
    points[n] = prior;
    int[] order = sortedOrder(points);
    double[] sorted = new double[n + 1];
    for (int i = 0; i <= n; i++) {
      sorted[i] = points[order[i]];
    }
    double minSigma = range / Math.min(100.0, n + 1.0);
    double[] bandwidths = new double[n + 1];
    for (int i = 0; i <= n; i++) {
      double left = i > 0 ? sorted[i] - sorted[i - 1] : 0;
      double right = i < n ? sorted[i + 1] - sorted[i] : 0;
      bandwidths[i] =
          order[i] == n ? range : Math.min(range, Math.max(minSigma, Math.max(left, right)));
    }
    // merge runs of equal (mean, sigma), keeping the prior apart
    int components = 0;
    double[] mergedMeans = new double[n + 1];
    double[] mergedSigmas = new double[n + 1];
    double[] mergedWeights = new double[n + 1];
    boolean[] isPrior = new boolean[n + 1];
    for (int i = 0; i <= n; i++) {
      double weight = order[i] == n ? priorWeight : pointWeights[order[i]];
      boolean same =
          components > 0
              && order[i] != n
              && !isPrior[components - 1]
              && mergedMeans[components - 1] == sorted[i]
              && mergedSigmas[components - 1] == bandwidths[i];
      if (same) {
        mergedWeights[components - 1] += weight;
      } else {
        mergedMeans[components] = sorted[i];
        mergedSigmas[components] = bandwidths[i];
        mergedWeights[components] = weight;
        isPrior[components] = order[i] == n;
        components++;
      }
    }
    double total = 0;
    for (int i = 0; i < components; i++) {
      total += mergedWeights[i];
    }
    means = new double[components];
    sigmas = new double[components];
    cumulativeWeights = new double[components];
    logCoefficients = new double[components];
    inverseSigmas = new double[components];
    double narrowest = Double.POSITIVE_INFINITY;
    for (int i = 0; i < components; i++) {
      narrowest = Math.min(narrowest, mergedSigmas[i]);
    }
    narrowLimit = narrowest;
    int wideCount = 0;
    int[] wideIndices = new int[components];
    double cumulative = 0;
    for (int i = 0; i < components; i++) {
      means[i] = mergedMeans[i];
      sigmas[i] = mergedSigmas[i];
      double weight = mergedWeights[i] / total;
      cumulative += weight;
      cumulativeWeights[i] = cumulative;
      logCoefficients[i] =
          StrictMath.log(weight) - LOG_SQRT_2PI - StrictMath.log(sigmas[i]) - logMass(i);
      inverseSigmas[i] = 1 / sigmas[i];
      if (sigmas[i] > narrowLimit) {
        wideIndices[wideCount++] = i;
      }
    }
    wide = java.util.Arrays.copyOf(wideIndices, wideCount);
    reach = REACH_SIGMAS * narrowLimit;
  }

  /**
   * The indices of {@code values} in ascending order of value, equal values by index: a stable
   * bottom-up merge sort that moves the values along with the indices (no indirect reads).
   */
  static int[] sortedOrder(double[] values) {
    int n = values.length;
    double[] keys = values.clone();
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    // insertion sort of runs of 16
    for (int from = 0; from < n; from += 16) {
      int to = Math.min(from + 16, n);
      for (int i = from + 1; i < to; i++) {
        double key = keys[i];
        int index = order[i];
        int j = i - 1;
        while (j >= from && keys[j] > key) {
          keys[j + 1] = keys[j];
          order[j + 1] = order[j];
          j--;
        }
        keys[j + 1] = key;
        order[j + 1] = index;
      }
    }
    double[] keyBuffer = new double[n];
    int[] orderBuffer = new int[n];
    for (int width = 16; width < n; width *= 2) {
      for (int from = 0; from < n; from += 2 * width) {
        int middle = Math.min(from + width, n);
        int to = Math.min(from + 2 * width, n);
        int left = from;
        int right = middle;
        int out = from;
        while (left < middle && right < to) {
          if (keys[right] < keys[left]) {
            keyBuffer[out] = keys[right];
            orderBuffer[out++] = order[right++];
          } else {
            keyBuffer[out] = keys[left];
            orderBuffer[out++] = order[left++];
          }
        }
        while (left < middle) {
          keyBuffer[out] = keys[left];
          orderBuffer[out++] = order[left++];
        }
        while (right < to) {
          keyBuffer[out] = keys[right];
          orderBuffer[out++] = order[right++];
        }
      }
      double[] swapKeys = keys;
      keys = keyBuffer;
      keyBuffer = swapKeys;
      int[] swapOrder = order;
      order = orderBuffer;
      orderBuffer = swapOrder;
    }
    return order;
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
    double u = random.nextDouble() * cumulativeWeights[cumulativeWeights.length - 1];
    int lowIndex = 0;
    int highIndex = cumulativeWeights.length - 1;
    while (lowIndex < highIndex) {
      int middle = (lowIndex + highIndex) >>> 1;
      if (u < cumulativeWeights[middle]) {
        highIndex = middle;
      } else {
        lowIndex = middle + 1;
      }
    }
    int component = lowIndex;
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
    LogSum sum = new LogSum();
    int from = lowerBound(x - reach);
    int to = lowerBound(Math.nextUp(x + reach));
    for (int i = from; i < to; i++) {
      if (sigmas[i] <= narrowLimit) {
        sum.add(term(i, x));
      }
    }
    for (int i : wide) {
      sum.add(term(i, x));
    }
    return sum.value();
  }

  private double term(int i, double x) {
    double z = (x - means[i]) * inverseSigmas[i];
    return logCoefficients[i] - 0.5 * z * z;
  }

  /** The first index whose mean is at least {@code value}. */
  private int lowerBound(double value) {
    int lowIndex = 0;
    int highIndex = means.length;
    while (lowIndex < highIndex) {
      int middle = (lowIndex + highIndex) >>> 1;
      if (means[middle] < value) {
        lowIndex = middle + 1;
      } else {
        highIndex = middle;
      }
    }
    return lowIndex;
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

  /** A running log-sum-exp: terms more than 40 below the largest so far are dropped. */
  static final class LogSum {
    private double max = Double.NEGATIVE_INFINITY;
    private double sum;

    void add(double term) {
      if (term > max) {
        sum = (max == Double.NEGATIVE_INFINITY ? 0 : sum * StrictMath.exp(max - term)) + 1;
        max = term;
      } else if (term - max > -40) {
        sum += StrictMath.exp(term - max);
      }
    }

    double value() {
      return max + StrictMath.log(sum);
    }
  }
}
