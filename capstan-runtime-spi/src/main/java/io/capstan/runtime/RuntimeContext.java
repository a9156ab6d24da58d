package io.capstan.runtime;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * What the control plane hands a {@link WorkloadRuntimeProvider}.
 *
 * @param dataDir the control plane's data directory ({@code capstan.data-dir}); a runtime that
 *     keeps state on this machine keeps it in a folder of its own under it
 * @param home the Capstan installation ({@code capstan.home}): where a runtime without real images
 *     finds the files of the bundled ones ({@code examples/}, the model server's jar)
 * @param trustAllJobs whether the operator trusts every job ({@code --trust-all-jobs}), so a
 *     runtime may run replicas without isolating them where it cannot isolate them
 * @param settings the runtime's own settings, {@code capstan.runtime.<kind>.*}
 * @param artifacts the control plane's artifact store, read to materialize artifact mounts
 */
public record RuntimeContext(
    Path dataDir,
    Path home,
    boolean trustAllJobs,
    RuntimeSettings settings,
    ArtifactReader artifacts) {
  public RuntimeContext {
    dataDir = requireNonNull(dataDir, "dataDir is null").toAbsolutePath().normalize();
    home = requireNonNull(home, "home is null").toAbsolutePath().normalize();
    requireNonNull(settings, "settings is null");
    requireNonNull(artifacts, "artifacts is null");
  }

  /** A context without an artifact store ({@link ArtifactReader#NONE}). */
  public RuntimeContext(Path dataDir, Path home, boolean trustAllJobs, RuntimeSettings settings) {
    this(dataDir, home, trustAllJobs, settings, ArtifactReader.NONE);
  }
}
