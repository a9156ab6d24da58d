package io.capstan.server.experiment;

import io.capstan.server.control.KeyedController;
import io.capstan.server.control.Leadership;
import io.capstan.server.control.WorkQueue;
import io.capstan.server.job.JobService;
import io.capstan.server.metrics.MetricReports;
import java.time.Clock;
import java.time.Duration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Experiments: the store, the service of the API and the experiment controller, which runs on the
 * leader, one experiment at a time, each looked at every second while it has trials to watch and
 * every {@link #RESYNC} in any case.
 */
@Configuration(proxyBeanMethods = false)
class ExperimentConfiguration {
  static final Duration RESYNC = Duration.ofSeconds(10);

  @Bean
  ExperimentStore experimentStore(
      JdbcClient jdbc, TransactionTemplate tx, JsonMapper json, Clock clock) {
    return new ExperimentStore(jdbc, tx, json, clock);
  }

  @Bean
  KeyedController<String> experimentController(
      ExperimentStore store, JobService jobs, JdbcClient jdbc, Clock clock, Leadership leadership) {
    ExperimentReconciler reconciler =
        new ExperimentReconciler(store, jobs, new TrialMetrics(new MetricReports(jdbc)), clock);
    return new KeyedController<>(
        "capstan-experiment-controller",
        new WorkQueue<>(clock, Duration.ofMillis(500), Duration.ofSeconds(30)),
        reconciler,
        store::uidsToReconcile,
        RESYNC,
        clock,
        leadership);
  }

  @Bean
  ExperimentService experimentService(
      ExperimentStore store, KeyedController<String> experimentController, Clock clock) {
    return new ExperimentService(store, experimentController::enqueue, clock);
  }
}
