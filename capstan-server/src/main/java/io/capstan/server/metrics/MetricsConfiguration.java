package io.capstan.server.metrics;

import io.capstan.runtime.MetricFiles;
import io.capstan.runtime.WorkloadRuntime;
import io.capstan.server.control.ControlLoop;
import io.capstan.server.control.Leadership;
import io.capstan.server.job.CollectorFolder;
import io.capstan.server.job.JobStore;
import io.capstan.server.logs.ArchivedBytes;
import io.capstan.server.logs.BeforeRelease;
import io.capstan.server.logs.LiveReplicas;
import java.time.Clock;
import java.time.Duration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Wiring of the training metrics: read from the output the log archive takes, and from the metric
 * files the runtime reads back, where it can.
 */
@Configuration(proxyBeanMethods = false)
class MetricsConfiguration {
  /** How often the live replicas' metric files are read, unless the runtime says otherwise. */
  private static final Duration READ_FILES_EVERY = Duration.ofSeconds(1);

  @Bean
  MetricsStore metricsStore(JdbcClient jdbc, TransactionTemplate tx) {
    return new MetricsStore(jdbc, tx);
  }

  @Bean
  ProgressStore progressStore(JdbcClient jdbc) {
    return new ProgressStore(jdbc);
  }

  @Bean
  MetricFileOffsets metricFileOffsets(JdbcClient jdbc) {
    return new MetricFileOffsets(jdbc);
  }

  @Bean
  ArchivedBytes metricsCollector(MetricsStore store, ProgressStore progress, Clock clock) {
    return new MetricsCollector(store, progress, clock);
  }

  @Bean
  BeforeRelease metricsDrain(
      WorkloadRuntime runtime,
      LiveReplicas live,
      MetricsStore store,
      ProgressStore progress,
      MetricFileOffsets offsets,
      TransactionTemplate tx,
      Clock clock,
      ArchivedBytes printed,
      JobStore jobs) {
    return new MetricsDrain(
        (MetricsCollector) printed,
        runtime
            .metricFiles()
            .map(
                files ->
                    new MetricFilesCollector(
                        files,
                        live,
                        store,
                        progress,
                        offsets,
                        tx,
                        clock,
                        uid -> jobs.findByUid(uid).flatMap(CollectorFolder::of))));
  }

  @Bean
  ControlLoop metricsJanitorLoop(
      MetricsStore store, MetricsConfig config, Clock clock, Leadership leadership) {
    MetricsJanitor janitor = new MetricsJanitor(store, config, clock);
    return new ControlLoop(
        "capstan-metrics-janitor", janitor::runOnce, MetricsJanitor.INTERVAL, leadership);
  }

  @Bean
  ControlLoop metricFilesLoop(BeforeRelease drain, WorkloadRuntime runtime, Leadership leadership) {
    Runnable pass = drain instanceof MetricsDrain metrics ? metrics::collectFiles : () -> {};
    Duration every = runtime.metricFiles().map(MetricFiles::readEvery).orElse(READ_FILES_EVERY);
    return new ControlLoop("capstan-metric-files", pass, every, leadership);
  }
}
