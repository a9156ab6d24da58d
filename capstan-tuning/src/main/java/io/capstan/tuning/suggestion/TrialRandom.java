package io.capstan.tuning.suggestion;

/**
 * The random numbers of one suggested trial: SplitMix64 seeded from the experiment's seed and the
 * trial's index, with {@link StrictMath}, so every JVM on every machine draws the same numbers
 * (unlike {@code SplittableRandom}, whose algorithm the JDK does not promise to keep).
 */
final class TrialRandom {
  private long state;

  TrialRandom(long seed, long trialIndex) {
    this.state = mix(seed ^ mix(trialIndex + 0x632BE59BD9B4E019L));
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  long nextLong() {
    state += 0x9E3779B97F4A7C15L;
    return mix(state);
  }

  /** Uniform in [0, 1). */
  double nextDouble() {
    return (nextLong() >>> 11) * 0x1.0p-53;
  }

  /** Uniform in [low, high). */
  double uniform(double low, double high) {
    return low + (high - low) * nextDouble();
  }

  /** Uniform in [0, bound). */
  int nextInt(int bound) {
    return (int) Math.floorMod(nextLong() >>> 1, (long) bound);
  }

  /** Standard normal (Box-Muller). */
  double nextGaussian() {
    double u = 1.0 - nextDouble();
    double v = nextDouble();
    return StrictMath.sqrt(-2.0 * StrictMath.log(u)) * StrictMath.cos(2.0 * StrictMath.PI * v);
  }
}
