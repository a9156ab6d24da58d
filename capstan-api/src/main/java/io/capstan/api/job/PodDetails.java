package io.capstan.api.job;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a replica group's pod template says besides its image, command, plain environment and
 * resources: its working directory, volumes, environment taken from elsewhere, and the template's
 * labels and annotations (which {@code fieldRef}s read).
 *
 * @param workingDir the container's {@code workingDir}, or null for the image's
 * @param volumes the pod's volumes
 * @param volumeMounts where the container sees them
 * @param valueFrom variables whose values come from elsewhere, in the spec's order; a name here is
 *     not in the group's plain {@code env}
 * @param envFrom secrets and config maps whose every key becomes a variable
 * @param labels the pod template's labels
 * @param annotations the pod template's annotations
 */
public record PodDetails(
    String workingDir,
    List<PodVolume> volumes,
    List<VolumeMount> volumeMounts,
    Map<String, EnvValueFrom> valueFrom,
    List<EnvFromSource> envFrom,
    Map<String, String> labels,
    Map<String, String> annotations) {
  /** A pod template with nothing of these. */
  public static final PodDetails NONE =
      new PodDetails(null, List.of(), List.of(), Map.of(), List.of(), Map.of(), Map.of());

  public PodDetails {
    volumes = volumes == null ? List.of() : List.copyOf(volumes);
    volumeMounts = volumeMounts == null ? List.of() : List.copyOf(volumeMounts);
    valueFrom =
        valueFrom == null
            ? Map.of()
            : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(valueFrom));
    envFrom = envFrom == null ? List.of() : List.copyOf(envFrom);
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
  }

  /** The volume named {@code name}, or null. */
  public PodVolume volume(String name) {
    return volumes.stream().filter(v -> Objects.equals(v.name(), name)).findFirst().orElse(null);
  }
}
