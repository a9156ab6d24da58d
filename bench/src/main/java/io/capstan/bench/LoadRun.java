package io.capstan.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * Closed-loop load: {@code concurrency} threads, each with its own client, call back to back for a
 * warm-up and then a measured period; every call's latency is kept.
 */
final class LoadRun {
  /** Latency percentiles in microseconds and completed calls per second. */
  record Result(double p50, double p95, double p99, double perSecond) {}

  private LoadRun() {}

  /** {@code clients} makes one caller per thread (a connection, a stub...). */
  static Result run(
      int concurrency, Supplier<Callable<?>> clients, Duration warmUp, Duration measured)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    try {
      CountDownLatch ready = new CountDownLatch(concurrency);
      long start = System.nanoTime() + warmUp.toNanos() + 200_000_000L;
      long end = start + measured.toNanos();
      List<Future<long[]>> threads = new ArrayList<>();
      for (int t = 0; t < concurrency; t++) {
        threads.add(
            pool.submit(
                () -> {
                  Callable<?> call = clients.get();
                  ready.countDown();
                  long[] latencies = new long[1024];
                  int n = 0;
                  while (true) {
                    long t0 = System.nanoTime();
                    if (t0 >= end) {
                      break;
                    }
                    call.call();
                    long t1 = System.nanoTime();
                    if (t0 >= start) {
                      if (n == latencies.length) {
                        latencies = Arrays.copyOf(latencies, n * 2);
                      }
                      latencies[n++] = t1 - t0;
                    }
                  }
                  return Arrays.copyOf(latencies, n);
                }));
      }
      ready.await();
      long[] all = new long[0];
      for (Future<long[]> thread : threads) {
        long[] mine = thread.get();
        long[] merged = Arrays.copyOf(all, all.length + mine.length);
        System.arraycopy(mine, 0, merged, all.length, mine.length);
        all = merged;
      }
      return result(all, all.length / (measured.toNanos() / 1e9));
    } finally {
      pool.shutdownNow();
    }
  }

  /** The percentiles of {@code latencies} (nanoseconds; sorted here) and the given rate. */
  static Result result(long[] latencies, double perSecond) {
    Arrays.sort(latencies);
    return new Result(
        percentile(latencies, 0.50),
        percentile(latencies, 0.95),
        percentile(latencies, 0.99),
        perSecond);
  }

  private static double percentile(long[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    return sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))] / 1000.0;
  }
}
