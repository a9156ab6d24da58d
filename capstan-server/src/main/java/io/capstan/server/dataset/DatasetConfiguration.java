package io.capstan.server.dataset;

import io.capstan.server.artifact.ArtifactStore;
import io.capstan.server.artifact.ArtifactsConfig;
import io.capstan.server.identity.ProjectStore;
import io.capstan.server.job.JobService;
import io.capstan.server.job.ProjectValues;
import java.time.Clock;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/** Wiring of the datasets feature. */
@Configuration(proxyBeanMethods = false)
class DatasetConfiguration {
  @Bean
  DatasetStore datasetStore(JdbcClient jdbc, TransactionTemplate tx) {
    return new DatasetStore(jdbc, tx);
  }

  @Bean
  DatasetFiles datasetFiles(ArtifactStore artifacts) {
    return new DatasetFiles(artifacts);
  }

  @Bean
  DatasetMounts datasetMounts(DatasetStore store) {
    return new DatasetMounts(store);
  }

  @Bean
  DatasetService datasetService(
      DatasetStore store,
      ArtifactStore artifacts,
      ProjectStore projects,
      JobService jobs,
      ProjectValues values,
      List<DatasetUsers> users,
      DatasetsConfig config,
      ArtifactsConfig artifactsConfig,
      Clock clock) {
    return new DatasetService(
        store, artifacts, projects, jobs, values, users, config, artifactsConfig, clock);
  }
}
