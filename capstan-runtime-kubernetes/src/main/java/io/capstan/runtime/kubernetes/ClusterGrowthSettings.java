package io.capstan.runtime.kubernetes;

import static java.util.Objects.requireNonNull;

import io.capstan.runtime.RuntimeSettings;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How the runtime sees a cluster that grows and shrinks (decisions 123 and 124): which node labels
 * mark spot capacity, which taints say the cloud is taking a node back, and whether and how gangs
 * that no node holds are asked for with the cluster-autoscaler's ProvisioningRequests.
 *
 * @param spotLabels a node with any of these labels at that value is spot capacity ({@code
 *     spot-node-labels}, {@code key=value,...})
 * @param terminationTaints a node with a taint of one of these keys is being taken back: no gang is
 *     placed there and its jobs go back to the queue ({@code termination-taints})
 * @param provisioningRequests whether to ask for nodes with ProvisioningRequests where the cluster
 *     has their API ({@code provisioning-requests}, default true)
 * @param provisioningClass the requests' {@code provisioningClassName} ({@code provisioning-class})
 * @param retryAfter how long a failed or revoked request is kept, for its reason to be read, before
 *     it is asked for again ({@code provisioning-retry}, 5m)
 */
public record ClusterGrowthSettings(
    Map<String, String> spotLabels,
    List<String> terminationTaints,
    boolean provisioningRequests,
    String provisioningClass,
    Duration retryAfter) {
  /** Books the nodes for the gang, all or nothing: what grows the cluster. */
  public static final String ATOMIC_SCALE_UP = "best-effort-atomic-scale-up.autoscaling.x-k8s.io";

  /** Only says whether the nodes are there, creating none. */
  public static final String CHECK_CAPACITY = "check-capacity.autoscaling.x-k8s.io";

  /** GKE, EKS managed node groups, Karpenter and AKS spot pools. */
  static final Map<String, String> DEFAULT_SPOT_LABELS =
      orderedMap(
          "cloud.google.com/gke-spot", "true",
          "cloud.google.com/gke-preemptible", "true",
          "eks.amazonaws.com/capacityType", "SPOT",
          "karpenter.sh/capacity-type", "spot",
          "kubernetes.azure.com/scalesetpriority", "spot");

  /**
   * The cluster-autoscaler's scale-down, GKE's termination handler, the AWS node termination
   * handler's spot interruption, Karpenter's disruption.
   */
  static final List<String> DEFAULT_TERMINATION_TAINTS =
      List.of(
          "ToBeDeletedByClusterAutoscaler",
          "cloud.google.com/impending-node-termination",
          "aws-node-termination-handler/spot-itn",
          "karpenter.sh/disrupted");

  public ClusterGrowthSettings {
    spotLabels = orderedCopy(requireNonNull(spotLabels, "spotLabels is null"));
    terminationTaints = List.copyOf(requireNonNull(terminationTaints, "terminationTaints is null"));
    requireNonNull(provisioningClass, "provisioningClass is null");
    requireNonNull(retryAfter, "retryAfter is null");
    if (!Set.of(ATOMIC_SCALE_UP, CHECK_CAPACITY).contains(provisioningClass)) {
      throw new IllegalArgumentException(
          "Expected capstan.runtime.kubernetes.provisioning-class to be "
              + ATOMIC_SCALE_UP
              + " or "
              + CHECK_CAPACITY
              + ", but was '"
              + provisioningClass
              + "'");
    }
  }

  /** The clouds' spot labels and termination taints; atomic scale-up requests. */
  public static ClusterGrowthSettings defaults() {
    return new ClusterGrowthSettings(
        DEFAULT_SPOT_LABELS,
        DEFAULT_TERMINATION_TAINTS,
        true,
        ATOMIC_SCALE_UP,
        Duration.ofMinutes(5));
  }

  /** These settings with ProvisioningRequests on or off. */
  public ClusterGrowthSettings withProvisioningRequests(boolean on) {
    return new ClusterGrowthSettings(
        spotLabels, terminationTaints, on, provisioningClass, retryAfter);
  }

  /** The settings an operator gave, each checked and named when it is wrong. */
  static ClusterGrowthSettings from(RuntimeSettings raw) {
    ClusterGrowthSettings defaults = defaults();
    Map<String, String> spot =
        raw.get("spot-node-labels").map(text -> labels(raw, text)).orElse(defaults.spotLabels());
    List<String> taints =
        raw.get("termination-taints")
            .map(ClusterGrowthSettings::list)
            .orElse(DEFAULT_TERMINATION_TAINTS);
    boolean provisioning =
        raw.get("provisioning-requests").map(value -> bool(raw, value)).orElse(true);
    Duration retry =
        raw.get("provisioning-retry")
            .map(value -> duration(raw, value))
            .orElse(defaults.retryAfter());
    return new ClusterGrowthSettings(
        spot, taints, provisioning, raw.get("provisioning-class").orElse(ATOMIC_SCALE_UP), retry);
  }

  /** Whether a node with these labels is spot capacity. */
  boolean spot(Map<String, String> labels) {
    for (Map.Entry<String, String> label : spotLabels.entrySet()) {
      if (label.getValue().equalsIgnoreCase(labels.get(label.getKey()))) {
        return true;
      }
    }
    return false;
  }

  private static Map<String, String> labels(RuntimeSettings raw, String text) {
    Map<String, String> labels = new LinkedHashMap<>();
    for (String item : list(text)) {
      int equals = item.indexOf('=');
      if (equals <= 0 || equals == item.length() - 1) {
        throw new IllegalArgumentException(
            "Expected "
                + raw.property("spot-node-labels")
                + " to be labels key=value separated by commas, but one was '"
                + item
                + "'");
      }
      labels.put(item.substring(0, equals).trim(), item.substring(equals + 1).trim());
    }
    return labels;
  }

  private static List<String> list(String text) {
    List<String> items = new ArrayList<>();
    for (String item : text.split(",")) {
      if (!item.isBlank()) {
        items.add(item.trim());
      }
    }
    return items;
  }

  private static boolean bool(RuntimeSettings raw, String value) {
    if (!value.equals("true") && !value.equals("false")) {
      throw new IllegalArgumentException(
          "Expected "
              + raw.property("provisioning-requests")
              + " to be true or false, but was '"
              + value
              + "'");
    }
    return Boolean.parseBoolean(value);
  }

  private static Duration duration(RuntimeSettings raw, String value) {
    try {
      return Duration.parse("PT" + value.toUpperCase(java.util.Locale.ROOT));
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "Expected "
              + raw.property("provisioning-retry")
              + " to be a duration such as 5m or 30s, but was '"
              + value
              + "'",
          e);
    }
  }

  private static Map<String, String> orderedMap(String... keysAndValues) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return java.util.Collections.unmodifiableMap(map);
  }

  private static Map<String, String> orderedCopy(Map<String, String> map) {
    return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(map));
  }
}
