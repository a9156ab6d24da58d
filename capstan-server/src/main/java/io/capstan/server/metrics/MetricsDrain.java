package io.capstan.server.metrics;

import static java.util.Objects.requireNonNull;

import io.capstan.runtime.ReplicaObservation;
import io.capstan.server.logs.BeforeRelease;
import java.util.Collection;
import java.util.Optional;

/**
 * What the metrics do before the runtime forgets replicas: the printed output's last line, when it
 * had no newline, is read now ({@link MetricsCollector#flush}); the metric files are read to their
 * end, where the runtime has them.
 */
record MetricsDrain(MetricsCollector printed, Optional<MetricFilesCollector> files)
    implements BeforeRelease {
  MetricsDrain {
    requireNonNull(printed, "printed is null");
    requireNonNull(files, "files is null");
  }

  @Override
  public void draining(Collection<ReplicaObservation> replicas) {
    printed.flush(replicas);
    files.ifPresent(collector -> collector.draining(replicas));
  }

  /** One pass over the live replicas' metric files, where the runtime has them. */
  void collectFiles() {
    files.ifPresent(MetricFilesCollector::collectAll);
  }
}
