package io.capstan.server.serving;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Requests, errors and latency per served version, as the gateway reported them since the control
 * plane started. Latency percentiles are over the last {@value #WINDOW} reported latencies of each
 * version. An error is a request that did not get a successful answer (see {@link
 * io.capstan.api.gateway.GatewayReport.VersionCounts}).
 */
public final class RequestStats {
  static final int WINDOW = 4096;

  private final Map<String, Counters> byVersion = new ConcurrentHashMap<>();

  /** Adds one report's counts of one version. */
  void add(io.capstan.api.gateway.GatewayReport.VersionCounts counts) {
    Counters counters =
        byVersion.computeIfAbsent(
            key(counts.project(), counts.service(), counts.version()), k -> new Counters());
    counters.requests.add(counts.requests());
    counters.errors.add(counts.errors());
    for (long nanos : counts.latencyNanos()) {
      counters.latency(nanos);
    }
  }

  Snapshot snapshot(String project, String service, int version) {
    Counters counters = byVersion.get(key(project, service, version));
    return counters == null ? Snapshot.NONE : counters.snapshot();
  }

  /** Every version's counts, for the metrics. */
  public java.util.List<VersionSnapshot> all() {
    java.util.List<VersionSnapshot> all = new java.util.ArrayList<>();
    byVersion.forEach(
        (key, counters) -> {
          String[] parts = key.split("/", 3);
          all.add(
              new VersionSnapshot(
                  parts[0], parts[1], Integer.parseInt(parts[2]), counters.snapshot()));
        });
    return all;
  }

  /** One version's counts. */
  public record VersionSnapshot(String project, String service, int version, Snapshot snapshot) {}

  void forget(String project, String service) {
    String prefix = project + "/" + service + "/";
    byVersion.keySet().removeIf(key -> key.startsWith(prefix));
  }

  private static String key(String project, String service, int version) {
    return project + "/" + service + "/" + version;
  }

  /**
   * @param requests all requests
   * @param errors failed ones
   * @param p50Millis median latency, or null without requests
   * @param p99Millis 99th percentile, or null without requests
   */
  public record Snapshot(long requests, long errors, Double p50Millis, Double p99Millis) {
    static final Snapshot NONE = new Snapshot(0, 0, null, null);
  }

  private static final class Counters {
    final LongAdder requests = new LongAdder();
    final LongAdder errors = new LongAdder();
    private final long[] ring = new long[WINDOW];
    private int next;
    private int size;

    synchronized void latency(long nanos) {
      ring[next] = nanos;
      next = (next + 1) % WINDOW;
      size = Math.min(size + 1, WINDOW);
    }

    Snapshot snapshot() {
      long[] sorted;
      synchronized (this) {
        sorted = Arrays.copyOf(ring, size);
      }
      if (sorted.length == 0) {
        return new Snapshot(requests.sum(), errors.sum(), null, null);
      }
      Arrays.sort(sorted);
      return new Snapshot(requests.sum(), errors.sum(), millis(sorted, 0.50), millis(sorted, 0.99));
    }

    private static double millis(long[] sorted, double quantile) {
      int index = (int) Math.ceil(quantile * sorted.length) - 1;
      return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
    }
  }
}
