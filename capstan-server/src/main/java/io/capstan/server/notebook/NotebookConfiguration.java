package io.capstan.server.notebook;

import io.capstan.runtime.WorkloadRuntime;
import io.capstan.server.ServerConfig;
import io.capstan.server.control.ControlLoop;
import io.capstan.server.control.Leadership;
import io.capstan.server.identity.Access;
import io.capstan.server.identity.Authenticator;
import io.capstan.server.identity.SessionStore;
import io.capstan.server.job.JobDatasets;
import io.capstan.server.job.JobService;
import io.capstan.server.job.ReplicaObservations;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Notebooks: the store, the workload kind, the notebook controller (idle culling, deletions) and
 * the proxy servlet at {@code /notebooks/*}. Settings under {@code capstan.notebooks.*}; see {@code
 * docs/operations.md}.
 */
@Configuration(proxyBeanMethods = false)
class NotebookConfiguration {
  @Bean
  NotebookTokens notebookTokens(ServerConfig config) {
    return NotebookTokens.inDataDir(config.dataDir());
  }

  @Bean
  NotebookKind notebookKind(
      NotebookTokens tokens, NotebookProperties properties, IdleCuller culler) {
    return new NotebookKind(tokens, properties.probePeriod(), culler, properties.reclaimAfter());
  }

  @Bean
  NotebookStore notebookStore(
      JdbcClient jdbc, TransactionTemplate tx, JsonMapper json, Clock clock) {
    return new NotebookStore(jdbc, tx, json, clock);
  }

  @Bean
  IdleCuller idleCuller(Clock clock, JdbcClient jdbc) {
    return new IdleCuller(clock, new NotebookActivityStore(jdbc));
  }

  @Bean
  NotebookLogins notebookLogins(Clock clock, NotebookProperties properties) {
    return new NotebookLogins(clock, properties.loginLifetime());
  }

  /**
   * A client of notebook servers (the proxy's, the culler's): not a bean, so that no other
   * feature's {@code HttpClient} is ever ambiguous with it.
   */
  private static HttpClient notebookHttpClient() {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  @Bean
  NotebookService notebookService(
      NotebookStore store,
      JobService jobs,
      ReplicaObservations observations,
      WorkloadRuntime runtime,
      IdleCuller culler,
      NotebookTokens tokens,
      NotebookProperties properties,
      Clock clock,
      ObjectProvider<JobDatasets> datasets) {
    return new NotebookService(
        store,
        jobs,
        observations,
        runtime.projectVolumes(),
        new NotebookJobs(properties.listenAddress()),
        culler,
        tokens,
        properties,
        clock,
        datasets.getIfAvailable(() -> JobDatasets.NONE));
  }

  @Bean
  ControlLoop notebookController(
      NotebookService notebooks,
      JobService jobs,
      IdleCuller culler,
      NotebookProperties properties,
      Leadership leadership) {
    NotebookReconciler reconciler =
        new NotebookReconciler(
            notebooks,
            jobs,
            new JupyterKernels(notebookHttpClient(), Duration.ofSeconds(5)),
            culler,
            properties.reclaimAfter());
    return new ControlLoop(
        "capstan-notebook-controller", reconciler::runOnce, properties.pollInterval(), leadership);
  }

  @Bean
  ServletRegistrationBean<NotebookProxy> notebookProxy(
      NotebookService notebooks,
      NotebookLogins logins,
      IdleCuller culler,
      Authenticator authenticator,
      SessionStore sessions,
      Access access,
      NotebookProperties properties) {
    HttpClient notebookHttpClient = notebookHttpClient();
    NotebookProxy proxy =
        new NotebookProxy(
            notebooks,
            new NotebookSockets(notebookHttpClient, culler),
            logins,
            culler,
            authenticator,
            sessions,
            access,
            properties.sessionLifetime(),
            notebookHttpClient);
    ServletRegistrationBean<NotebookProxy> registration =
        new ServletRegistrationBean<>(proxy, "/notebooks/*");
    registration.setName("notebookProxy");
    registration.setAsyncSupported(true);
    return registration;
  }
}
