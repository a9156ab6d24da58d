package io.capstan.server.metrics;

import static java.util.Objects.requireNonNull;

import io.capstan.runtime.ReplicaId;
import io.capstan.runtime.ReplicaObservation;
import io.capstan.server.logs.ArchivedBytes;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the metrics of replicas' output as the log archive takes it: splits the bytes into lines
 * (keeping a line's start until its end arrives, at most {@link #MAX_LINE} bytes of it), reads the
 * {@code name=value} pairs of each ({@link MetricLine}) and stores them. A failure to store is
 * logged and loses those values, never the log.
 */
final class MetricsCollector implements ArchivedBytes {
  private static final Logger log = LoggerFactory.getLogger(MetricsCollector.class);
  static final int MAX_LINE = 64 * 1024;

  /** Printed progress ({@code capstan_progress_percent=40 capstan_eta_seconds=120}). */
  static final String PROGRESS_PERCENT = "capstan_progress_percent";

  static final String ETA_SECONDS = "capstan_eta_seconds";

  private final MetricsStore store;
  private final ProgressStore progress;
  private final Clock clock;
  private final Map<String, StringBuilder> partial = new ConcurrentHashMap<>();

  MetricsCollector(MetricsStore store, Clock clock) {
    this(store, null, clock);
  }

  /**
   * @param progress where printed progress is kept, or null to keep it as metrics
   */
  MetricsCollector(MetricsStore store, ProgressStore progress, Clock clock) {
    this.store = requireNonNull(store, "store is null");
    this.progress = progress;
    this.clock = requireNonNull(clock, "clock is null");
  }

  @Override
  public void archived(ReplicaId id, int attempt, byte[] bytes) {
    String key = id.key() + "#" + attempt;
    StringBuilder line = partial.computeIfAbsent(key, k -> new StringBuilder());
    List<MetricLine.Value> values = new ArrayList<>();
    String text = new String(bytes, StandardCharsets.UTF_8);
    int start = 0;
    for (int end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
      append(line, text, start, end);
      values.addAll(MetricLine.parse(line.toString()));
      line.setLength(0);
      start = end + 1;
    }
    append(line, text, start, text.length());
    if (line.isEmpty()) {
      partial.remove(key);
    }
    if (values.isEmpty()) {
      return;
    }
    try {
      List<MetricLine.Value> metrics = values;
      if (progress != null) {
        metrics = reportProgress(id, values);
      }
      if (!metrics.isEmpty()) {
        store.add(id.jobUid(), id.replica(), metrics, clock.millis());
      }
    } catch (RuntimeException e) {
      log.warn("Metrics of replica {} not stored: {}", id.key(), e.toString());
    }
  }

  /**
   * Reads the last line of each of {@code replicas} that ended without a newline (a script that
   * exits after {@code print(..., end="")}), and forgets their partial lines: called before the
   * runtime forgets them, after their whole output was archived.
   */
  void flush(Collection<ReplicaObservation> replicas) {
    for (ReplicaObservation replica : replicas) {
      String prefix = replica.id().key() + "#";
      for (String key : List.copyOf(partial.keySet())) {
        if (key.startsWith(prefix)) {
          StringBuilder line = partial.get(key);
          if (line != null && !line.isEmpty()) {
            // The newline ends the kept text, which archived() then parses and stores.
            archived(
                replica.id(),
                Integer.parseInt(key.substring(prefix.length())),
                "\n".getBytes(StandardCharsets.UTF_8));
          }
          partial.remove(key);
        }
      }
    }
  }

  /** Keeps the printed progress values as the job's progress; returns the other values. */
  private List<MetricLine.Value> reportProgress(ReplicaId id, List<MetricLine.Value> values) {
    List<MetricLine.Value> metrics = new ArrayList<>(values.size());
    Double percent = null;
    Double eta = null;
    for (MetricLine.Value value : values) {
      switch (value.name()) {
        case PROGRESS_PERCENT -> percent = value.value();
        case ETA_SECONDS -> eta = value.value();
        default -> metrics.add(value);
      }
    }
    if (percent != null) {
      progress.report(
          id.jobUid(),
          id.replica(),
          new MetricJsonLines.Progress(
              Math.max(0, Math.min(100, percent)), eta == null ? null : Math.max(0, eta)),
          clock.millis());
    }
    return metrics;
  }

  private static void append(StringBuilder line, String text, int from, int to) {
    int room = MAX_LINE - line.length();
    if (room > 0) {
      line.append(text, from, Math.min(to, from + room));
    }
  }
}
