package io.capstan.serving.gateway;

import io.capstan.api.gateway.GatewayReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Requests, errors and a sample of latencies per served version since the last report to the
 * control plane, which keeps the totals ({@code capstan serve get}). Every request the gateway
 * routed to a known service counts once, whatever ended it: the replica's answer, no replica ready,
 * none reachable, the timeout.
 */
final class GatewayStats {
  static final int WINDOW = 4096;

  private final Map<Key, Counts> byVersion = new ConcurrentHashMap<>();

  private record Key(String project, String service, int version) {}

  /** One request's outcome; {@code error}: it did not get a successful answer. */
  void record(String project, String service, int version, long nanos, boolean error) {
    byVersion
        .computeIfAbsent(new Key(project, service, version), k -> new Counts())
        .add(nanos, error);
  }

  /** The counts since the last call, and starts counting afresh. */
  List<GatewayReport.VersionCounts> drain() {
    List<GatewayReport.VersionCounts> out = new ArrayList<>();
    for (Map.Entry<Key, Counts> entry : byVersion.entrySet()) {
      Key key = entry.getKey();
      Counts counts = entry.getValue();
      GatewayReport.VersionCounts taken;
      synchronized (counts) {
        if (counts.requests == 0) {
          continue;
        }
        List<Long> latencies = new ArrayList<>(counts.size);
        for (int i = 0; i < counts.size; i++) {
          latencies.add(counts.ring[i]);
        }
        taken =
            new GatewayReport.VersionCounts(
                key.project(),
                key.service(),
                key.version(),
                counts.requests,
                counts.errors,
                latencies);
        counts.requests = 0;
        counts.errors = 0;
        counts.size = 0;
        counts.next = 0;
      }
      out.add(taken);
    }
    return out;
  }

  /** Puts counts that could not be reported back, so the next report carries them. */
  void restore(List<GatewayReport.VersionCounts> unsent) {
    for (GatewayReport.VersionCounts counts : unsent) {
      Counts into =
          byVersion.computeIfAbsent(
              new Key(counts.project(), counts.service(), counts.version()), k -> new Counts());
      synchronized (into) {
        into.requests += counts.requests();
        into.errors += counts.errors();
        for (long nanos : counts.latencyNanos()) {
          into.latency(nanos);
        }
      }
    }
  }

  private static final class Counts {
    private final long[] ring = new long[WINDOW];
    private long requests;
    private long errors;
    private int next;
    private int size;

    synchronized void add(long nanos, boolean error) {
      requests++;
      if (error) {
        errors++;
      }
      latency(nanos);
    }

    private void latency(long nanos) {
      ring[next] = nanos;
      next = (next + 1) % WINDOW;
      size = Math.min(size + 1, WINDOW);
    }
  }
}
