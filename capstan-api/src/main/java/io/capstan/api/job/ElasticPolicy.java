package io.capstan.api.job;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The elastic policy of a Kubeflow PyTorchJob ({@code spec.elasticPolicy}): its nodes meet through
 * a torchrun rendezvous instead of a fixed master, as the Training Operator sets it up.
 *
 * @param minReplicas the fewest nodes the rendezvous waits for
 * @param maxReplicas the most nodes the rendezvous admits
 * @param rdzvBackend torchrun's rendezvous backend ({@code c10d})
 * @param rdzvId the rendezvous id, or null for torchrun's default
 * @param rdzvConf torchrun's {@code --rdzv_conf} entries, in the order given
 * @param maxRestarts restarts of the node's worker group that torchrun makes before it fails, or
 *     null for torchrun's default
 * @param standalone whether torchrun starts a standalone rendezvous of its own
 */
public record ElasticPolicy(
    int minReplicas,
    int maxReplicas,
    String rdzvBackend,
    String rdzvId,
    Map<String, String> rdzvConf,
    Integer maxRestarts,
    boolean standalone) {
  /** The backend the Training Operator sets when the policy names none. */
  public static final String C10D = "c10d";

  public ElasticPolicy {
    requireNonNull(rdzvBackend, "rdzvBackend is null");
    rdzvConf =
        rdzvConf == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(rdzvConf));
    if (minReplicas < 1 || maxReplicas < minReplicas) {
      throw new IllegalArgumentException(
          "expected 1 <= minReplicas <= maxReplicas, but was "
              + minReplicas
              + " and "
              + maxReplicas);
    }
  }

  /** torchrun's {@code --nnodes}: {@code min:max}, as the Training Operator writes it. */
  public String nnodes() {
    return minReplicas + ":" + maxReplicas;
  }

  /** torchrun's {@code --rdzv_conf}: {@code key=value} pairs joined by commas, or null if none. */
  public String rdzvConfText() {
    if (rdzvConf.isEmpty()) {
      return null;
    }
    StringBuilder text = new StringBuilder();
    rdzvConf.forEach(
        (key, value) ->
            text.append(text.isEmpty() ? "" : ",").append(key).append('=').append(value));
    return text.toString();
  }
}
