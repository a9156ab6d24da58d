package io.capstan.server.runtime;

import io.capstan.runtime.ArtifactDownload;
import io.capstan.runtime.ArtifactReader;
import io.capstan.runtime.RuntimeContext;
import io.capstan.runtime.RuntimeSettings;
import io.capstan.runtime.WorkloadRuntime;
import io.capstan.runtime.WorkloadRuntimeProvider;
import io.capstan.server.ServerConfig;
import io.capstan.server.artifact.ArtifactDownloads;
import io.capstan.server.artifact.ArtifactStore;
import io.capstan.server.artifact.KnownFiles;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The workload runtime: the provider of {@code capstan.runtime.kind} (decision 68) builds it from
 * its own settings, {@code capstan.runtime.<kind>.*}; see {@code docs/operations.md}.
 */
@Configuration(proxyBeanMethods = false)
class RuntimeConfiguration {
  /** The runtime reads artifact mounts (a serving replica's model) from the artifact store. */
  @Bean(destroyMethod = "close")
  WorkloadRuntime workloadRuntime(
      ServerConfig server,
      RuntimeProperties runtime,
      Environment environment,
      ArtifactStore artifacts,
      List<KnownFiles> known) {
    WorkloadRuntimeProvider provider =
        RuntimeProviders.load(RuntimeConfiguration.class.getClassLoader()).provider(runtime.kind());
    RuntimeSettings settings =
        RuntimeSettings.of("capstan.runtime." + provider.kind() + ".", environment::getProperty);
    return provider.create(
        new RuntimeContext(
            server.dataDir(),
            server.home(),
            server.trustAllJobs(),
            settings,
            reader(artifacts, known)));
  }

  private static ArtifactReader reader(ArtifactStore artifacts, List<KnownFiles> known) {
    ArtifactDownloads downloads = new ArtifactDownloads(artifacts, known);
    return new ArtifactReader() {
      @Override
      public InputStream open(String key) {
        return artifacts.open(key);
      }

      @Override
      public Optional<Path> localFile(String key) {
        // A dataset version is a folder of artifacts: bound whole, never copied per job.
        return artifacts.localPath(key).or(() -> artifacts.localFolder(key));
      }

      @Override
      public Optional<ArtifactDownload> download(String key, Duration ttl) {
        return downloads.of(key, ttl);
      }
    };
  }
}
