package io.capstan.scheduler.growth;

import static java.util.Objects.requireNonNull;

import io.capstan.scheduler.Workload;
import io.capstan.scheduler.cluster.NodeSpec;
import io.capstan.scheduler.cluster.NodeState;
import io.capstan.scheduler.cluster.PodDemand;
import io.capstan.scheduler.placement.GangPlacer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The gangs that wait for nodes ({@link io.capstan.scheduler.CycleResult#unplaceable}), counted by
 * the node shapes of the cluster that would hold them: a gang counts for a shape only when all its
 * pods fit as one gang on new, empty nodes of that shape (as many as it has pods), and for no shape
 * ({@link #NO_SHAPE}) when none of the cluster's shapes holds it.
 */
public final class UnplaceableDemand {
  /** The shape label of gangs that no shape of the cluster holds. */
  public static final String NO_SHAPE = "none";

  private UnplaceableDemand() {}

  /**
   * What new nodes of one shape would start.
   *
   * @param shape the shape's label ({@link NodeShape#label}), or {@link #NO_SHAPE}
   * @param gangs whole gangs
   * @param pods their pods
   * @param gpus the GPUs their pods ask for, whole devices (a shared GPU counts as one)
   */
  public record Want(String shape, int gangs, int pods, long gpus) {
    public Want {
      requireNonNull(shape, "shape is null");
    }
  }

  /** By shape, in the order the cluster's nodes first show them; {@link #NO_SHAPE} last. */
  public static List<Want> of(List<Workload> unplaceable, List<NodeSpec> nodes, GangPlacer placer) {
    Set<NodeShape> shapes = new LinkedHashSet<>();
    nodes.forEach(node -> shapes.add(NodeShape.of(node)));
    Map<String, Want> wants = new LinkedHashMap<>();
    Map<Placing, Boolean> holds = new HashMap<>();
    for (Workload gang : unplaceable) {
      boolean held = false;
      for (NodeShape shape : shapes) {
        if (holds.computeIfAbsent(new Placing(shape, gang.pods()), p -> p.holds(placer))) {
          add(wants, shape.label(), gang);
          held = true;
        }
      }
      if (!held) {
        add(wants, NO_SHAPE, gang);
      }
    }
    List<Want> ordered = new ArrayList<>();
    wants.forEach(
        (shape, want) -> {
          if (!shape.equals(NO_SHAPE)) {
            ordered.add(want);
          }
        });
    if (wants.containsKey(NO_SHAPE)) {
      ordered.add(wants.get(NO_SHAPE));
    }
    return List.copyOf(ordered);
  }

  private static void add(Map<String, Want> wants, String shape, Workload gang) {
    long gpus = 0;
    for (PodDemand pod : gang.pods()) {
      gpus += pod.gpus();
    }
    Want before = wants.getOrDefault(shape, new Want(shape, 0, 0, 0));
    wants.put(
        shape,
        new Want(
            shape, before.gangs() + 1, before.pods() + gang.pods().size(), before.gpus() + gpus));
  }

  /** A gang on new nodes of one shape, one node per pod. */
  private record Placing(NodeShape shape, List<PodDemand> pods) {
    boolean holds(GangPlacer placer) {
      List<NodeState> empty = new ArrayList<>(pods.size());
      for (int i = 0; i < pods.size(); i++) {
        empty.add(NodeState.empty(shape.node("new-" + i)));
      }
      return placer.place(pods, empty).isPresent();
    }
  }
}
