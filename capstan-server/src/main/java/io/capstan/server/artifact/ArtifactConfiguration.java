package io.capstan.server.artifact;

import io.capstan.server.ServerConfig;
import io.capstan.server.control.Leadership;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wiring of the artifact store: local files under {@code <data-dir>/artifacts}. */
@Configuration(proxyBeanMethods = false)
class ArtifactConfiguration {
  @Bean
  ArtifactStore artifactStore(ServerConfig config, Leadership leadership) {
    LocalArtifactStore store = new LocalArtifactStore(config.dataDir().resolve("artifacts"));
    // Another replica sharing the folder may be writing there (decision 100).
    if (leadership.sole()) {
      store.sweepTemporary();
      store.sweepEmptyFolders();
    }
    return store;
  }
}
