package io.capstan.server.job;

import io.capstan.jobspec.JobSpecParser;
import io.capstan.runtime.WorkloadRuntime;
import io.capstan.scheduler.Scheduler;
import io.capstan.server.ServerConfig;
import io.capstan.server.logs.LogStore;
import io.capstan.server.queue.QuotaStore;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/** Wiring of the training-job feature: store, controller loop, service. */
@Configuration(proxyBeanMethods = false)
class JobConfiguration {
  @Bean
  JobStore jobStore(JdbcClient jdbc, TransactionTemplate tx, JsonMapper json) {
    return new JobStore(jdbc, tx, json);
  }

  @Bean
  JobDirectories jobDirectories(ServerConfig config) {
    return new JobDirectories(config.dataDir());
  }

  @Bean
  JobJanitor jobJanitor(JobStore store, LogStore logs, JobDirectories dirs, Clock clock) {
    return new JobJanitor(store, logs, dirs, clock);
  }

  @Bean
  JobLauncher jobLauncher(
      WorkloadRuntime runtime,
      JsonMapper json,
      JobDirectories dirs,
      LogStore logs,
      org.springframework.beans.factory.ObjectProvider<LaunchEnvironment> extraEnvironment) {
    return new JobLauncher(
        runtime, new Rendezvous(json), dirs, logs, extraEnvironment.orderedStream().toList());
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
      ObjectProvider<SucceededJobListener> listeners) {
    JobAdmitter admitter = new JobAdmitter(store, runtime, scheduler, quotas::all, launcher, clock);
    JobReconciler reconciler =
        new JobReconciler(
            store,
            runtime,
            launcher,
            admitter,
            janitor,
            clock,
            config.stopGracePeriod(),
            listeners.orderedStream().toList());
    return new JobControlLoop(reconciler, runtime, config.reconcileInterval());
  }

  @Bean
  JobService jobService(
      JobStore store,
      Scheduler scheduler,
      QuotaStore quotas,
      WorkloadRuntime runtime,
      JobDirectories dirs,
      JobControlLoop loop,
      JobJanitor janitor,
      Clock clock) {
    return new JobService(
        store, new JobSpecParser(), scheduler, quotas::all, runtime, dirs, loop, janitor, clock);
  }
}
