package io.capstan.server.logs;

import io.capstan.runtime.WorkloadRuntime;
import io.capstan.server.ServerConfig;
import io.capstan.server.artifact.ArtifactStore;
import io.capstan.server.artifact.ArtifactsConfig;
import io.capstan.server.control.ControlLoop;
import io.capstan.server.control.Leadership;
import java.time.Clock;
import java.time.Duration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wiring of the log archive and the shipper that fills it. */
@Configuration(proxyBeanMethods = false)
class LogConfiguration {
  /** How often every live replica's new output is archived when nobody reads it. */
  private static final Duration SHIP_EVERY = Duration.ofSeconds(1);

  @Bean
  LogArchive logArchive(
      ServerConfig config,
      Clock clock,
      ObjectProvider<ArchivedBytes> listener,
      ArtifactsConfig artifacts,
      ArtifactStore store) {
    // In cluster mode the data dir is the pod's disk: complete logs go to the bucket too.
    boolean durable = ArtifactsConfig.S3_STORE.equals(artifacts.store());
    return new LogArchive(
        config.dataDir(),
        clock,
        listener.getIfAvailable(() -> ArchivedBytes.NONE),
        durable ? store : null);
  }

  @Bean
  LogShipper logShipper(
      LogArchive archive,
      WorkloadRuntime runtime,
      LiveReplicas live,
      ObjectProvider<BeforeRelease> beforeRelease) {
    return new LogShipper(
        archive, runtime.logs(), live, beforeRelease.getIfAvailable(() -> BeforeRelease.NONE));
  }

  @Bean
  ControlLoop logShipperLoop(LogShipper shipper, Leadership leadership) {
    return new ControlLoop("capstan-log-shipper", shipper::shipAll, SHIP_EVERY, leadership);
  }
}
