package io.capstan.runtime.local;

import io.capstan.runtime.RuntimeContext;
import io.capstan.runtime.WorkloadRuntime;
import io.capstan.runtime.WorkloadRuntimeProvider;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code capstan.runtime.kind=local} (the default): the {@link LocalRuntime} over {@code
 * <data-dir>/runtime}, with its settings from {@code capstan.runtime.local.*} ({@link
 * LocalRuntimeSettings}) and its image map from {@code <data-dir>/images.yaml} over the built-in
 * entries of {@link #environments}. Found by {@link java.util.ServiceLoader}.
 */
public final class LocalRuntimeProvider implements WorkloadRuntimeProvider {
  private static final Logger log = LoggerFactory.getLogger(LocalRuntimeProvider.class);

  /** The image of the bundled examples; on one machine it maps {@code /examples} to the repo's. */
  static final String EXAMPLES_IMAGE = "capstan/examples*";

  /** The model server's image; on one machine {@code /opt/capstan} is the built jar's directory. */
  static final String MODEL_SERVER_IMAGE = "capstan/model-server*";

  @Override
  public String kind() {
    return "local";
  }

  @Override
  public WorkloadRuntime create(RuntimeContext context) {
    LocalRuntimeSettings settings = LocalRuntimeSettings.from(context.settings());
    return new LocalRuntime(
        config(settings, context, LocalRuntime::sandboxProblem), context.artifacts());
  }

  /**
   * The runtime's configuration: this host's defaults where a setting is absent, the bundled images
   * mapped to the installation's files, and the sandbox the settings and the operator's trust call
   * for ({@code sandboxProblem} says why bubblewrap cannot run here, if it cannot).
   */
  static LocalRuntimeConfig config(
      LocalRuntimeSettings settings,
      RuntimeContext context,
      Supplier<Optional<String>> sandboxProblem) {
    LocalRuntimeConfig defaults = LocalRuntimeConfig.defaults(context.dataDir().resolve("runtime"));
    return new LocalRuntimeConfig(
        defaults.stateDir(),
        defaults.nodeName(),
        settings.gpus(),
        settings.cpuMillis() > 0 ? settings.cpuMillis() : defaults.cpuMillis(),
        settings.memoryBytes() > 0 ? settings.memoryBytes() : defaults.memoryBytes(),
        settings.cgroups(),
        defaults.cgroupRoot(),
        settings.python(),
        environments(context.home()),
        sandbox(settings, context.trustAllJobs(), context.dataDir(), sandboxProblem),
        context.dataDir().resolve(ImageMapFile.FILE_NAME));
  }

  /**
   * The built-in image map: the host for every image, and the bundled images' files from the
   * installation. The operator's file overrides any of them by pattern.
   */
  static Map<String, Environment> environments(Path home) {
    Map<String, Environment> environments = new LinkedHashMap<>();
    environments.put("*", Environment.HOST);
    environments.put(
        EXAMPLES_IMAGE,
        new Environment(Map.of("/examples", home.resolve("examples")), null, Map.of()));
    environments.put(
        MODEL_SERVER_IMAGE,
        new Environment(
            Map.of("/opt/capstan", home.resolve("capstan-serving").resolve("target")),
            null,
            Map.of()));
    return environments;
  }

  /**
   * Bubblewrap unless the operator trusts every job: then none where bubblewrap cannot run here (or
   * {@code capstan.runtime.local.sandbox=none}). Without that trust, a host that cannot sandbox
   * refuses to start the server (LocalRuntime says why).
   */
  static SandboxConfig sandbox(
      LocalRuntimeSettings settings,
      boolean trustAllJobs,
      Path dataDir,
      Supplier<Optional<String>> sandboxProblem) {
    SandboxConfig none =
        new SandboxConfig(
            SandboxMode.NONE,
            settings.firstUid(),
            settings.uidCount(),
            List.of(),
            settings.pidsMax());
    if (settings.sandbox() == SandboxMode.NONE) {
      if (!trustAllJobs) {
        throw new IllegalArgumentException(
            "Expected capstan.runtime.local.sandbox=none only with --trust-all-jobs"
                + " (capstan.trust-all-jobs=true): without a sandbox any job can read the"
                + " server's data and other projects' files");
      }
      log.warn(
          "Replicas run without a sandbox (capstan.runtime.local.sandbox=none, every job is"
              + " trusted)");
      return none;
    }
    SandboxConfig bubblewrap =
        new SandboxConfig(
            SandboxMode.BUBBLEWRAP,
            settings.firstUid(),
            settings.uidCount(),
            List.of(dataDir),
            settings.pidsMax());
    if (!trustAllJobs) {
      return bubblewrap;
    }
    Optional<String> problem = sandboxProblem.get();
    if (problem.isEmpty()) {
      return bubblewrap;
    }
    log.warn(
        "Every job is trusted (--trust-all-jobs) and replicas cannot be sandboxed here ({}):"
            + " they run as the server's user and can read and change everything it can",
        problem.get());
    return none;
  }
}
