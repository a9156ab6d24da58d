package io.capstan.server.model;

import io.capstan.server.artifact.ArtifactStore;
import io.capstan.server.control.Leadership;
import io.capstan.server.job.JobOutputCollector;
import io.capstan.server.job.JobStore;
import io.capstan.server.job.SucceededJobListener;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/** Wiring of the model registry. */
@Configuration(proxyBeanMethods = false)
class ModelConfiguration {
  private static final Logger log = LoggerFactory.getLogger(ModelConfiguration.class);

  @Bean
  ModelStore modelStore(JdbcClient jdbc, TransactionTemplate tx, JsonMapper json) {
    return new ModelStore(jdbc, tx, json);
  }

  @Bean
  ModelRegistry modelRegistry(
      ModelStore store, ArtifactStore artifacts, Clock clock, ModelsConfig config) {
    // ONNX Runtime has one environment per process; it only reads signatures here.
    OnnxSignatures signatures = new OnnxSignatures(OnnxSignatures.environment());
    return new ModelRegistry(store, artifacts, signatures, clock, config);
  }

  /**
   * Runs after every singleton (and the migrations) exists, before the server takes requests; only
   * on a control plane that is the only replica, since another one may be storing a file whose row
   * it has yet to write (decision 100).
   */
  @Bean
  SmartInitializingSingleton sweepOrphanedModelFiles(
      ModelRegistry registry, Leadership leadership) {
    return () -> {
      if (leadership.sole()) {
        registry.sweepOrphans();
      } else {
        log.info("Model files that no version names are not swept: other replicas may be writing");
      }
    };
  }

  @Bean
  JobOutputs jobOutputs(
      ModelRegistry registry,
      JobStore jobs,
      ArtifactStore artifacts,
      JobOutputCollector collector,
      JsonMapper json) {
    return new JobOutputs(registry, jobs, artifacts, collector, json);
  }

  /** After the job's outputs are collected (JobOutputCollector runs first). */
  @Bean
  SucceededJobListener jobOutputRegistrar(
      JobOutputs outputs, ModelStore models, JobStore jobs, Clock clock) {
    return new JobOutputRegistrar(outputs, models, jobs, clock);
  }
}
