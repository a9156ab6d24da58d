package io.capstan.server.runtime;

import io.capstan.runtime.WorkloadRuntime;
import io.capstan.runtime.local.CgroupMode;
import io.capstan.runtime.local.Environment;
import io.capstan.runtime.local.LocalRuntime;
import io.capstan.runtime.local.LocalRuntimeConfig;
import io.capstan.runtime.local.SandboxConfig;
import io.capstan.runtime.local.SandboxMode;
import io.capstan.server.ServerConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The workload runtime: for now the local one, where each replica is a process group on this
 * machine. Settings live under {@code capstan.runtime.local.*}; see {@code docs/operations.md}.
 */
@Configuration(proxyBeanMethods = false)
class RuntimeConfiguration {
  private static final Logger log = LoggerFactory.getLogger(RuntimeConfiguration.class);

  /** The image of the bundled examples; on one machine it maps {@code /examples} to the repo's. */
  static final String EXAMPLES_IMAGE = "capstan/examples*";

  /** The model server's image; on one machine {@code /opt/capstan} is the built jar's directory. */
  static final String MODEL_SERVER_IMAGE = "capstan/model-server*";

  @Bean(destroyMethod = "close")
  WorkloadRuntime workloadRuntime(
      ServerConfig server,
      @Value("${capstan.home:}") String home,
      @Value("${capstan.runtime.local.gpus:auto}") String gpus,
      @Value("${capstan.runtime.local.cgroups:auto}") String cgroups,
      @Value("${capstan.runtime.local.python:auto}") String python,
      @Value("${capstan.runtime.local.cpu-millis:0}") long cpuMillis,
      @Value("${capstan.runtime.local.memory-bytes:0}") long memoryBytes,
      @Value("${capstan.runtime.local.sandbox:bubblewrap}") String sandbox,
      @Value("${capstan.runtime.local.pids-max:" + SandboxConfig.DEFAULT_PIDS_MAX + "}")
          long pidsMax,
      @Value("${capstan.trust-all-jobs:false}") boolean trustAllJobs) {
    LocalRuntimeConfig defaults = LocalRuntimeConfig.defaults(server.dataDir().resolve("runtime"));
    Path capstanHome =
        home.isBlank() ? Path.of("").toAbsolutePath() : Path.of(home).toAbsolutePath();
    Map<String, Environment> environments = new LinkedHashMap<>();
    environments.put("*", Environment.HOST);
    environments.put(
        EXAMPLES_IMAGE,
        new Environment(Map.of("/examples", capstanHome.resolve("examples")), null, Map.of()));
    environments.put(
        MODEL_SERVER_IMAGE,
        new Environment(
            Map.of("/opt/capstan", capstanHome.resolve("capstan-serving").resolve("target")),
            null,
            Map.of()));
    LocalRuntimeConfig config =
        new LocalRuntimeConfig(
            defaults.stateDir(),
            defaults.nodeName(),
            gpus,
            cpuMillis > 0 ? cpuMillis : defaults.cpuMillis(),
            memoryBytes > 0 ? memoryBytes : defaults.memoryBytes(),
            cgroupMode(cgroups),
            defaults.cgroupRoot(),
            python,
            environments,
            sandbox(sandbox, pidsMax, trustAllJobs, server.dataDir()));
    return new LocalRuntime(config);
  }

  /**
   * Bubblewrap unless the operator trusts every job: then none where bubblewrap cannot run here (or
   * {@code capstan.runtime.local.sandbox=none}). Without that trust, a host that cannot sandbox
   * refuses to start the server (LocalRuntime says why).
   */
  static SandboxConfig sandbox(String mode, long pidsMax, boolean trustAllJobs, Path dataDir) {
    SandboxConfig bubblewrap =
        new SandboxConfig(
            SandboxMode.BUBBLEWRAP,
            SandboxConfig.DEFAULT_FIRST_UID,
            SandboxConfig.DEFAULT_UID_COUNT,
            List.of(dataDir),
            pidsMax);
    switch (mode.trim().toLowerCase(Locale.ROOT)) {
      case "bubblewrap" -> {
        if (!trustAllJobs) {
          return bubblewrap;
        }
        Optional<String> problem = LocalRuntime.sandboxProblem();
        if (problem.isEmpty()) {
          return bubblewrap;
        }
        log.warn(
            "Every job is trusted (--trust-all-jobs) and replicas cannot be sandboxed here ({}):"
                + " they run as the server's user and can read and change everything it can",
            problem.get());
        return SandboxConfig.none();
      }
      case "none" -> {
        if (!trustAllJobs) {
          throw new IllegalArgumentException(
              "Expected capstan.runtime.local.sandbox=none only with --trust-all-jobs"
                  + " (capstan.trust-all-jobs=true): without a sandbox any job can read the"
                  + " server's data and other projects' files");
        }
        log.warn(
            "Replicas run without a sandbox (capstan.runtime.local.sandbox=none, every job is"
                + " trusted)");
        return SandboxConfig.none();
      }
      default ->
          throw new IllegalArgumentException(
              "Expected capstan.runtime.local.sandbox to be 'bubblewrap' or 'none', but was '"
                  + mode
                  + "'");
    }
  }

  private static CgroupMode cgroupMode(String value) {
    return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "auto" -> CgroupMode.AUTO;
      case "off" -> CgroupMode.OFF;
      default ->
          throw new IllegalArgumentException(
              "Expected capstan.runtime.local.cgroups to be 'auto' or 'off', but was '"
                  + value
                  + "'");
    };
  }
}
