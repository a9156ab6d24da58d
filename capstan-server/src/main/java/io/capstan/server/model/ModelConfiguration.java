package io.capstan.server.model;

import io.capstan.server.artifact.ArtifactStore;
import io.capstan.server.job.JobOutputCollector;
import io.capstan.server.job.JobStore;
import io.capstan.server.job.SucceededJobListener;
import java.time.Clock;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/** Wiring of the model registry. */
@Configuration(proxyBeanMethods = false)
class ModelConfiguration {
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

  /** Runs after every singleton (and the migrations) exists, before the server takes requests. */
  @Bean
  SmartInitializingSingleton sweepOrphanedModelFiles(ModelRegistry registry) {
    return registry::sweepOrphans;
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
