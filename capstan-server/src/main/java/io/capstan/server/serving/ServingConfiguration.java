package io.capstan.server.serving;

import io.capstan.server.ServerConfig;
import io.capstan.server.control.ControlLoop;
import io.capstan.server.job.JobDirectories;
import io.capstan.server.job.JobService;
import io.capstan.server.model.ModelRegistry;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
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
  HttpClient servingHttpClient(
      @Value("${capstan.serving.connect-timeout:2s}") Duration connectTimeout) {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(connectTimeout)
        .build();
  }

  @Bean
  ReplicaSecrets replicaSecrets(ServerConfig config) {
    return ReplicaSecrets.inDataDir(config.dataDir());
  }

  @Bean
  ServingReplicaKind servingReplicaKind(ReplicaSecrets secrets) {
    return new ServingReplicaKind(secrets);
  }

  @Bean
  GatewayLoad gatewayLoad() {
    return new GatewayLoad(System::nanoTime);
  }

  @Bean
  ServingReconciler servingReconciler(
      ServiceStore store,
      JobService jobs,
      JobDirectories dirs,
      ModelLookup models,
      ServingRoutes routes,
      HttpClient servingHttpClient,
      ReplicaSecrets secrets,
      GatewayLoad load,
      Clock clock,
      @Value("${capstan.serving.java:}") String java,
      @Value("${capstan.serving.scale-down-window:5m}") Duration scaleDownWindow) {
    return new ServingReconciler(
        store,
        jobs,
        dirs,
        models,
        new ReplicaJobs(java(java)),
        new ReadinessProbe(servingHttpClient, Duration.ofMillis(500), secrets),
        routes,
        new Autoscaler(scaleDownWindow),
        load,
        clock);
  }

  @Bean
  ControlLoop servingControlLoop(
      ServingReconciler reconciler,
      @Value("${capstan.serving.reconcile-interval:1s}") Duration interval) {
    return new ControlLoop("capstan-serving-controller", reconciler::runOnce, interval);
  }

  @Bean
  GatewaySnapshots gatewaySnapshots(
      ServiceStore store, ServingRoutes routes, ReplicaSecrets secrets, JdbcClient jdbc) {
    return new GatewaySnapshots(store, routes, secrets, jdbc);
  }

  @Bean
  ControlLoop gatewaySnapshotLoop(
      GatewaySnapshots snapshots,
      @Value("${capstan.serving.gateway.refresh-interval:500ms}") Duration interval) {
    return new ControlLoop("capstan-gateway-snapshots", snapshots::refresh, interval);
  }

  @Bean
  GatewayProcess gatewayProcess(
      ServerConfig config,
      @Value("${capstan.home:}") String home,
      @Value("${capstan.serving.java:}") String java,
      @Value("${capstan.serving.gateway.launch:auto}") String launch,
      @Value("${capstan.serving.gateway.stop-with-server:false}") boolean stopWithServer,
      @Value("${capstan.serving.gateway.host:${capstan.serving.grpc-host:127.0.0.1}}") String host,
      @Value("${capstan.serving.gateway.http-port:7072}") int httpPort,
      @Value("${capstan.serving.grpc-port:7071}") int grpcPort,
      @Value("${capstan.serving.max-request-bytes:67108864}") int maxRequestBytes,
      @Value("${capstan.serving.request-timeout:60s}") Duration requestTimeout) {
    Path capstanHome =
        home.isBlank() ? Path.of("").toAbsolutePath() : Path.of(home).toAbsolutePath();
    return new GatewayProcess(
        new GatewayProcess.Settings(
            config.dataDir(),
            launchSetting(launch),
            stopWithServer,
            java(java),
            capstanHome.resolve("capstan-serving/target/capstan-model-server.jar"),
            host,
            httpPort,
            grpcPort,
            maxRequestBytes,
            requestTimeout));
  }

  @Bean
  ServingService servingService(
      ServiceStore store,
      ModelLookup models,
      JobService jobs,
      ServingReconciler reconciler,
      @Qualifier("servingControlLoop") ControlLoop loop,
      RequestStats stats,
      GatewayProcess gateway,
      Clock clock) {
    return new ServingService(
        store,
        models,
        jobs,
        reconciler,
        loop,
        stats,
        gateway::httpBase,
        gateway::grpcTarget,
        clock);
  }

  private static boolean launchSetting(String value) {
    return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "auto" -> true;
      case "off" -> false;
      default ->
          throw new IllegalArgumentException(
              "Expected capstan.serving.gateway.launch to be 'auto' or 'off', but was '"
                  + value
                  + "'");
    };
  }

  private static String java(String configured) {
    return configured.isBlank() ? currentJava() : configured;
  }

  /** The java command of this control plane, so replicas run on the same JDK. */
  private static String currentJava() {
    return ProcessHandle.current()
        .info()
        .command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }
}
