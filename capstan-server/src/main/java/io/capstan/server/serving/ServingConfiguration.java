package io.capstan.server.serving;

import io.capstan.server.control.ControlLoop;
import io.capstan.server.identity.Access;
import io.capstan.server.identity.Authenticator;
import io.capstan.server.identity.Revocations;
import io.capstan.server.job.JobDirectories;
import io.capstan.server.job.JobService;
import io.capstan.server.model.ModelRegistry;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Inference services: the store, the serving controller and the gateway (HTTP on the API's port,
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
  ServingReconciler servingReconciler(
      ServiceStore store,
      JobService jobs,
      JobDirectories dirs,
      ModelLookup models,
      ServingRoutes routes,
      HttpClient servingHttpClient,
      Clock clock,
      @Value("${capstan.serving.java:}") String java,
      @Value("${capstan.serving.scale-down-window:5m}") Duration scaleDownWindow) {
    String command = java.isBlank() ? currentJava() : java;
    return new ServingReconciler(
        store,
        jobs,
        dirs,
        models,
        new ReplicaJobs(command),
        new ReadinessProbe(servingHttpClient, Duration.ofMillis(500)),
        routes,
        new Autoscaler(scaleDownWindow),
        clock);
  }

  @Bean
  ControlLoop servingControlLoop(
      ServingReconciler reconciler,
      @Value("${capstan.serving.reconcile-interval:1s}") Duration interval) {
    return new ControlLoop("capstan-serving-controller", reconciler::runOnce, interval);
  }

  @Bean
  GatewayAccess gatewayAccess(
      Authenticator authenticator,
      Access access,
      ServiceStore store,
      Revocations revocations,
      @Value("${capstan.serving.auth-cache:5s}") Duration cacheFor) {
    return new GatewayAccess(authenticator, access, store, revocations, cacheFor);
  }

  @Bean
  GrpcGateway grpcGateway(
      GatewayAccess access,
      ServingRoutes routes,
      RequestStats stats,
      @Value("${capstan.serving.grpc-host:127.0.0.1}") String host,
      @Value("${capstan.serving.grpc-port:7071}") int port,
      @Value("${capstan.serving.max-request-bytes:67108864}") int maxRequestBytes) {
    return new GrpcGateway(host, port, maxRequestBytes, access, routes, stats);
  }

  @Bean
  HttpGateway httpGateway(
      GatewayAccess access,
      ServingRoutes routes,
      RequestStats stats,
      JsonMapper json,
      @Value("${capstan.serving.connect-timeout:2s}") Duration connectTimeout,
      @Value("${capstan.serving.max-request-bytes:67108864}") long maxRequestBytes,
      @Value("${capstan.serving.request-timeout:60s}") Duration timeout) {
    return new HttpGateway(
        access, routes, stats, new ReplicaHttp(connectTimeout, timeout), json, maxRequestBytes);
  }

  @Bean
  ServingService servingService(
      ServiceStore store,
      ModelLookup models,
      JobService jobs,
      ServingReconciler reconciler,
      ControlLoop loop,
      RequestStats stats,
      GrpcGateway grpc,
      @Value("${capstan.serving.grpc-host:127.0.0.1}") String host,
      Clock clock) {
    return new ServingService(
        store, models, jobs, reconciler, loop, stats, () -> host + ":" + grpc.port(), clock);
  }

  /** The java command of this control plane, so replicas run on the same JDK. */
  private static String currentJava() {
    return ProcessHandle.current()
        .info()
        .command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }
}
