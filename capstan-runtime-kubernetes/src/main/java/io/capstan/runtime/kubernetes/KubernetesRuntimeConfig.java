package io.capstan.runtime.kubernetes;

import static java.util.Objects.requireNonNull;

import io.capstan.runtime.RuntimeContext;
import io.capstan.runtime.RuntimeSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Kubernetes runtime's configuration, read from {@code capstan.runtime.kubernetes.*}: how it
 * names and sizes objects ({@link KubernetesSettings}), which cluster it talks to, the port peers
 * rendezvous on, and where it keeps the copies of the pods' logs.
 *
 * @param settings names and sizes
 * @param kubeconfig the kubeconfig file to use ({@code kubeconfig}), or null: in a pod the service
 *     account's, elsewhere {@code $KUBECONFIG} or {@code ~/.kube/config}, as kubectl finds them
 * @param context the kubeconfig context to use ({@code context}), or null for the current one
 * @param rendezvousPort the port every replica of a job is reached on by its peers ({@code
 *     rendezvous-port}, default 23456 as the Training Operator's PyTorch jobs)
 * @param logDir where the copies of the pods' logs are kept: {@code <data-dir>/runtime/kubernetes}
 * @param logRetry how long a log copy waits before it reconnects to a stream that ended while its
 *     container ran (1s; tests take less)
 * @param volumeReaderImage the image of the pod that reads a job volume's claim ({@code
 *     volume-reader-image}, default {@code busybox:1.37}): it needs {@code sh}, {@code find},
 *     {@code stat} and {@code cat}
 * @param volumeReaderIdle how long a reader pod is kept after its last read, for the next read of
 *     the same volume ({@code volume-reader-idle}, default 60s)
 * @param artifacts the agent image and URL lifetime of artifact mounts ({@code agent-image}, {@code
 *     artifact-url-lifetime})
 * @param growth spot nodes, nodes being taken back, and requests for more nodes
 */
public record KubernetesRuntimeConfig(
    KubernetesSettings settings,
    Path kubeconfig,
    String context,
    int rendezvousPort,
    Path logDir,
    Duration logRetry,
    String volumeReaderImage,
    Duration volumeReaderIdle,
    ArtifactSettings artifacts,
    ClusterGrowthSettings growth) {
  static final int DEFAULT_RENDEZVOUS_PORT = 23456;
  private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})(ms|s|m|h)");
  static final String DEFAULT_VOLUME_READER_IMAGE = "busybox:1.37";
  static final Duration DEFAULT_VOLUME_READER_IDLE = Duration.ofSeconds(60);

  public KubernetesRuntimeConfig {
    requireNonNull(settings, "settings is null");
    requireNonNull(growth, "growth is null");
    requireNonNull(logDir, "logDir is null");
    requireNonNull(logRetry, "logRetry is null");
    requireNonNull(volumeReaderImage, "volumeReaderImage is null");
    requireNonNull(volumeReaderIdle, "volumeReaderIdle is null");
    if (volumeReaderImage.isBlank()
        || volumeReaderImage.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException(
          "Expected capstan.runtime.kubernetes.volume-reader-image to be an image reference such as"
              + " busybox:1.37, but was '"
              + volumeReaderImage
              + "'");
    }
    if (volumeReaderIdle.isNegative()) {
      throw new IllegalArgumentException(
          "Expected capstan.runtime.kubernetes.volume-reader-idle to be zero or more, but was "
              + volumeReaderIdle);
    }
    requireNonNull(artifacts, "artifacts is null");
    if (rendezvousPort < 1 || rendezvousPort > 65535) {
      throw new IllegalArgumentException(
          "Expected capstan.runtime.kubernetes.rendezvous-port to be between 1 and 65535, but was "
              + rendezvousPort);
    }
  }

  /**
   * The volume reader's defaults (busybox:1.37, kept 60s), artifact mounts refused (no agent
   * image), and the default {@link ClusterGrowthSettings}.
   */
  public KubernetesRuntimeConfig(
      KubernetesSettings settings,
      Path kubeconfig,
      String context,
      int rendezvousPort,
      Path logDir,
      Duration logRetry) {
    this(
        settings,
        kubeconfig,
        context,
        rendezvousPort,
        logDir,
        logRetry,
        DEFAULT_VOLUME_READER_IMAGE,
        DEFAULT_VOLUME_READER_IDLE,
        ArtifactSettings.defaults(),
        ClusterGrowthSettings.defaults());
  }

  /**
   * These volume reader settings, with no artifact mounts and the default {@link
   * ClusterGrowthSettings}.
   */
  public KubernetesRuntimeConfig(
      KubernetesSettings settings,
      Path kubeconfig,
      String context,
      int rendezvousPort,
      Path logDir,
      Duration logRetry,
      String volumeReaderImage,
      Duration volumeReaderIdle) {
    this(
        settings,
        kubeconfig,
        context,
        rendezvousPort,
        logDir,
        logRetry,
        volumeReaderImage,
        volumeReaderIdle,
        ArtifactSettings.defaults(),
        ClusterGrowthSettings.defaults());
  }

  /** These settings with {@code newGrowth}. */
  public KubernetesRuntimeConfig withGrowth(ClusterGrowthSettings newGrowth) {
    return new KubernetesRuntimeConfig(
        settings,
        kubeconfig,
        context,
        rendezvousPort,
        logDir,
        logRetry,
        volumeReaderImage,
        volumeReaderIdle,
        artifacts,
        newGrowth);
  }

  /** The same, with {@code newArtifacts}. */
  public KubernetesRuntimeConfig withArtifacts(ArtifactSettings newArtifacts) {
    return new KubernetesRuntimeConfig(
        settings,
        kubeconfig,
        context,
        rendezvousPort,
        logDir,
        logRetry,
        volumeReaderImage,
        volumeReaderIdle,
        newArtifacts,
        growth);
  }

  /** The defaults, with the log copies under {@code logDir}. */
  public static KubernetesRuntimeConfig defaults(Path logDir) {
    return new KubernetesRuntimeConfig(
        KubernetesSettings.defaults(),
        null,
        null,
        DEFAULT_RENDEZVOUS_PORT,
        logDir,
        Duration.ofSeconds(1));
  }

  /** The configuration the operator's settings give, each checked and named when it is wrong. */
  public static KubernetesRuntimeConfig from(RuntimeContext context) {
    RuntimeSettings raw = context.settings();
    KubernetesSettings defaults = KubernetesSettings.defaults();
    KubernetesSettings settings =
        new KubernetesSettings(
            raw.get("namespace-prefix").orElse(defaults.namespacePrefix()),
            raw.get("job-volume-size").orElse(defaults.jobVolumeSize()),
            raw.get("storage-class").filter(s -> !s.isEmpty()).orElse(null),
            raw.get("gpu-resource").orElse(defaults.gpuResource()));
    Path kubeconfig = raw.get("kubeconfig").filter(s -> !s.isEmpty()).map(Path::of).orElse(null);
    if (kubeconfig != null && !Files.isRegularFile(kubeconfig)) {
      throw new IllegalArgumentException(
          "Expected "
              + raw.property("kubeconfig")
              + " to name a kubeconfig file, but there is no file at '"
              + kubeconfig
              + "'");
    }
    return new KubernetesRuntimeConfig(
        settings,
        kubeconfig,
        raw.get("context").filter(s -> !s.isEmpty()).orElse(null),
        integer(raw, "rendezvous-port", DEFAULT_RENDEZVOUS_PORT),
        context.dataDir().resolve("runtime").resolve("kubernetes"),
        Duration.ofSeconds(1),
        raw.get("volume-reader-image").orElse(DEFAULT_VOLUME_READER_IMAGE),
        duration(raw, "volume-reader-idle", DEFAULT_VOLUME_READER_IDLE),
        new ArtifactSettings(
            raw.get("agent-image").orElse(null),
            raw.get("artifact-url-lifetime")
                .filter(s -> !s.isEmpty())
                .map(ArtifactSettings::lifetime)
                .orElse(ArtifactSettings.DEFAULT_LIFETIME)),
        ClusterGrowthSettings.from(raw));
  }

  private static Duration duration(RuntimeSettings raw, String name, Duration fallback) {
    String value = raw.get(name).orElse(null);
    if (value == null) {
      return fallback;
    }
    Matcher matcher = DURATION.matcher(value);
    if (matcher.matches()) {
      long amount = Long.parseLong(matcher.group(1));
      return switch (matcher.group(2)) {
        case "ms" -> Duration.ofMillis(amount);
        case "s" -> Duration.ofSeconds(amount);
        case "m" -> Duration.ofMinutes(amount);
        default -> Duration.ofHours(amount);
      };
    }
    throw new IllegalArgumentException(
        "Expected "
            + raw.property(name)
            + " to be a duration such as 60s or 2m, but was '"
            + value
            + "'");
  }

  private static int integer(RuntimeSettings raw, String name, int fallback) {
    String value = raw.get(name).orElse(null);
    if (value == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "Expected " + raw.property(name) + " to be a whole number, but was '" + value + "'", e);
    }
  }
}
