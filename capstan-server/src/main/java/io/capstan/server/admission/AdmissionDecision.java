package io.capstan.server.admission;

import java.util.List;
import java.util.Map;

/**
 * The outcome for one queued job.
 *
 * @param uid the job
 * @param admitted whether every replica was placed
 * @param placements per replica: node and GPU indices (empty unless admitted)
 * @param reason why it waits, in plain words with numbers (null when admitted)
 */
public record AdmissionDecision(
    String uid, boolean admitted, Map<String, NodePlacement> placements, String reason) {
  public AdmissionDecision {
    placements = placements == null ? Map.of() : Map.copyOf(placements);
  }

  /** A replica's node and devices. */
  public record NodePlacement(String node, List<Integer> gpus) {
    public NodePlacement {
      gpus = List.copyOf(gpus);
    }
  }
}
