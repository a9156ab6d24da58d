package io.capstan.server.job;

import io.capstan.jobspec.JobSpecParser;
import io.capstan.runtime.WorkloadRuntime;
import io.capstan.scheduler.Scheduler;
import io.capstan.server.ServerConfig;
import io.capstan.server.artifact.ArtifactStore;
import io.capstan.server.control.Leadership;
import io.capstan.server.control.WorkQueue;
import io.capstan.server.logs.LogArchive;
import io.capstan.server.logs.LogShipper;
import io.capstan.server.queue.QuotaStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/** Wiring of the training-job feature: store, controller loop, service. */
@Configuration(proxyBeanMethods = false)
class JobConfiguration {
  /** A job's first retry after a failed reconcile; doubled per failure in a row. */
  private static final Duration RETRY_FIRST = Duration.ofMillis(100);

  /** The longest wait between retries of a job that keeps failing. */
  private static final Duration RETRY_MAX = Duration.ofSeconds(30);

  /** How much longer than the stop grace period a delete waits for the job to be gone. */
  private static final Duration DELETE_WAIT_MARGIN = Duration.ofSeconds(5);

  @Bean
  JobStore jobStore(JdbcClient jdbc, TransactionTemplate tx, JsonMapper json) {
    return new JobStore(jdbc, tx, json);
  }

  /**
   * Runs first among the listeners of a succeeded job: the others (the model registry) read its
   * outputs from the artifact store.
   */
  @Bean
  @Order(Ordered.HIGHEST_PRECEDENCE)
  JobOutputCollector jobOutputCollector(
      WorkloadRuntime runtime,
      ArtifactStore artifacts,
      JobStore store,
      JsonMapper json,
      Clock clock,
      JobOutputsConfig limits) {
    // One thread of its own: the job controller never waits for a copy.
    Executor copier =
        Executors.newSingleThreadExecutor(
            task -> {
              Thread thread = new Thread(task, "capstan-output-collector");
              thread.setDaemon(true);
              return thread;
            });
    return new JobOutputCollector(runtime.volumes(), artifacts, store, json, clock, limits, copier);
  }

  @Bean
  JobJanitor jobJanitor(
      JobStore store,
      LogArchive logs,
      WorkloadRuntime runtime,
      JobOutputCollector outputs,
      Clock clock) {
    return new JobJanitor(store, logs, runtime.volumes(), outputs, clock);
  }

  @Bean
  ReplicaObservations replicaObservations() {
    return new ReplicaObservations();
  }

  @Bean
  TrainingJobKind trainingJobKind() {
    return new TrainingJobKind();
  }

  @Bean
  WorkloadKinds workloadKinds(List<WorkloadKind> kinds) {
    return new WorkloadKinds(kinds);
  }

  @Bean
  JobLauncher jobLauncher(
      WorkloadRuntime runtime,
      JsonMapper json,
      WorkloadKinds kinds,
      JobVolumesConfig volumes,
      ObjectProvider<ProjectValues> values,
      ObjectProvider<JobDatasets> datasets) {
    return new JobLauncher(
        runtime,
        new Rendezvous(json),
        kinds,
        volumes,
        values.getIfAvailable(() -> NoProjectValues.INSTANCE),
        datasets.getIfAvailable(() -> JobDatasets.NONE));
  }

  @Bean
  JobControlLoop jobControlLoop(
      JobStore store,
      WorkloadRuntime runtime,
      Scheduler scheduler,
      QuotaStore quotas,
      JobLauncher launcher,
      JobJanitor janitor,
      Clock clock,
      ServerConfig config,
      WorkloadKinds kinds,
      ReplicaObservations observations,
      LogShipper logs,
      ObjectProvider<SucceededJobListener> listeners,
      Leadership leadership,
      ObjectProvider<AdmissionEvents> events) {
    WorkQueue<String> queue = new WorkQueue<>(clock, RETRY_FIRST, RETRY_MAX);
    JobAdmitter admitter =
        new JobAdmitter(
            store,
            runtime,
            scheduler,
            quotas::all,
            launcher,
            kinds,
            clock,
            events.getIfAvailable(() -> AdmissionEvents.NONE));
    JobReconciler reconciler =
        new JobReconciler(
            store,
            runtime,
            launcher,
            admitter,
            janitor,
            kinds,
            clock,
            config.stopGracePeriod(),
            listeners.orderedStream().toList(),
            queue,
            observations,
            logs);
    return new JobControlLoop(reconciler, queue, config.reconcileInterval(), clock, leadership);
  }

  @Bean
  JobService jobService(
      JobStore store,
      Scheduler scheduler,
      QuotaStore quotas,
      WorkloadRuntime runtime,
      JobOutputCollector outputs,
      JobControlLoop loop,
      JobLauncher launcher,
      Clock clock,
      ServerConfig config,
      ObjectProvider<TrainerProgress> progress) {
    return new JobService(
        store,
        new JobSpecParser(),
        launcher,
        scheduler,
        quotas::all,
        runtime,
        outputs,
        loop,
        clock,
        config.stopGracePeriod().plus(DELETE_WAIT_MARGIN),
        progress.getIfAvailable(() -> TrainerProgress.NONE));
  }
}
