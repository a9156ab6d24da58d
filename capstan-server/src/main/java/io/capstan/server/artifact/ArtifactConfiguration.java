package io.capstan.server.artifact;

import io.capstan.server.ServerConfig;
import io.capstan.server.control.Leadership;
import java.nio.file.Path;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wiring of the artifact store: local files under {@code <data-dir>/artifacts}, or an S3 bucket
 * ({@code capstan.artifacts.store=s3}).
 */
@Configuration(proxyBeanMethods = false)
class ArtifactConfiguration {
  @Bean
  ArtifactStore artifactStore(
      ServerConfig config, ArtifactsConfig artifacts, Leadership leadership) {
    if (artifacts.store().equals(ArtifactsConfig.S3_STORE)) {
      ArtifactsConfig.S3 s3 = artifacts.s3();
      Path cache =
          s3.cacheDir() == null || s3.cacheDir().isBlank()
              ? config.dataDir().resolve("dataset-cache")
              : Path.of(s3.cacheDir());
      S3ArtifactStore store = S3ArtifactStore.open(s3, cache);
      store.createBucketIfMissing();
      return store;
    }
    LocalArtifactStore store = new LocalArtifactStore(config.dataDir().resolve("artifacts"));
    // Another replica sharing the folder may be writing there (decision 100).
    if (leadership.sole()) {
      store.sweepTemporary();
      store.sweepEmptyFolders();
    }
    return store;
  }
}
