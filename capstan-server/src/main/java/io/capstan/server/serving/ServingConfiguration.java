package io.capstan.server.serving;

import io.capstan.server.ServerConfig;
import io.capstan.server.control.ControlLoop;
import io.capstan.server.control.KeyedController;
import io.capstan.server.control.Leadership;
import io.capstan.server.control.WorkQueue;
import io.capstan.server.job.JobService;
import io.capstan.server.job.ReplicaObservations;
import io.capstan.server.model.ModelRegistry;
import java.time.Clock;
import java.time.Duration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Inference services: the store, the serving controller, and what feeds the serving gateway (a
 * process of its own, {@link GatewayProcess}: HTTP on {@code capstan.serving.gateway.http-port},
 * gRPC on {@code capstan.serving.grpc-port}). Settings under {@code capstan.serving.*}; see {@code
 * docs/operations.md}.
 */
@Configuration(proxyBeanMethods = false)
class ServingConfiguration {
  @Bean
  ServiceStore serviceStore(JdbcClient jdbc, TransactionTemplate tx, JsonMapper json) {
    return new ServiceStore(jdbc, tx, json);
  }

  @Bean
  ModelLookup modelLookup(ModelRegistry registry) {
    return new RegistryModels(registry);
  }

  @Bean
  ServingRoutes servingRoutes() {
    return new ServingRoutes();
  }

  @Bean
  RequestStats requestStats() {
    return new RequestStats();
  }

  @Bean
  ReplicaSecrets replicaSecrets(ServerConfig config) {
    return ReplicaSecrets.inDataDir(config.dataDir());
  }

  @Bean
  ServingReplicaKind servingReplicaKind(ReplicaSecrets secrets, ServingProperties properties) {
    return new ServingReplicaKind(
        secrets, properties.reconcileInterval().dividedBy(2), properties.probeTimeout());
  }

  @Bean
  GatewayLoad gatewayLoad() {
    return new GatewayLoad(System::nanoTime);
  }

  @Bean
  ServingReconciler servingReconciler(
      ServiceStore store,
      JobService jobs,
      ReplicaObservations observations,
      ModelLookup models,
      ServingRoutes routes,
      GatewayLoad load,
      Clock clock,
      ServingProperties properties) {
    return new ServingReconciler(
        store,
        jobs,
        observations,
        models,
        new ReplicaJobs(properties.java()),
        routes,
        new Autoscaler(properties.scaleDownWindow()),
        load,
        clock);
  }

  @Bean
  KeyedController<String> servingController(
      ServingReconciler reconciler,
      ServingProperties properties,
      Clock clock,
      Leadership leadership) {
    return new KeyedController<>(
        "capstan-serving-controller",
        new WorkQueue<>(clock, Duration.ofMillis(100), Duration.ofSeconds(30)),
        reconciler::reconcile,
        reconciler::resyncKeys,
        properties.reconcileInterval(),
        clock,
        leadership);
  }

  @Bean
  GatewaySnapshots gatewaySnapshots(
      ServiceStore store, ServingRoutes routes, ReplicaSecrets secrets, JdbcClient jdbc) {
    return new GatewaySnapshots(store, routes, secrets, jdbc);
  }

  @Bean
  ControlLoop gatewaySnapshotLoop(
      GatewaySnapshots snapshots, ServingRoutes routes, ServingProperties properties) {
    ControlLoop loop =
        new ControlLoop(
            "capstan-gateway-snapshots",
            snapshots::refresh,
            properties.gateway().refreshInterval(),
            // Every replica answers the gateways' snapshot requests from the database.
            Leadership.ALWAYS);
    // A route change reaches the gateway at once, not at the next refresh: a service is Ready
    // when its route is published, and a request sent then must find it.
    routes.onChange(loop::wake);
    return loop;
  }

  @Bean
  GatewayProcess gatewayProcess(
      ServerConfig config, ServingProperties properties, Environment environment) {
    ServingProperties.Gateway gateway = properties.gateway();
    int serverPort = environment.getProperty("server.port", Integer.class, 7070);
    return new GatewayProcess(
        new GatewayProcess.Settings(
            config.dataDir(),
            gateway.launches(),
            gateway.stopWithServer(),
            properties.java(),
            config.home().resolve("capstan-serving/target/capstan-model-server.jar"),
            gateway.host(),
            gateway.httpPortFor(serverPort),
            properties.grpcPortFor(serverPort),
            properties.maxRequestBytes(),
            properties.requestTimeout()));
  }

  @Bean
  ServingService servingService(
      ServiceStore store,
      ModelLookup models,
      JobService jobs,
      ServingReconciler reconciler,
      KeyedController<String> servingController,
      RequestStats stats,
      GatewayProcess gateway,
      Clock clock) {
    return new ServingService(
        store,
        models,
        jobs,
        reconciler,
        servingController,
        stats,
        gateway::httpBase,
        gateway::grpcTarget,
        clock);
  }
}
