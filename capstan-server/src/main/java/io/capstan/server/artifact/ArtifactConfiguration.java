package io.capstan.server.artifact;

import io.capstan.server.ServerConfig;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wiring of the artifact store: local files under {@code <data-dir>/artifacts}. */
@Configuration(proxyBeanMethods = false)
class ArtifactConfiguration {
  @Bean
  ArtifactStore artifactStore(ServerConfig config) {
    LocalArtifactStore store = new LocalArtifactStore(config.dataDir().resolve("artifacts"));
    store.sweepTemporary();
    store.sweepEmptyFolders();
    return store;
  }
}
