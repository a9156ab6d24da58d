package io.capstan.jobspec;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A TrainJob's pod overrides as far as Capstan acts on them: the {@code volumes} of an override
 * whose {@code targetJobs} name the trainer's nodes ({@code node}) and the {@code volumeMounts} and
 * {@code env} of its {@code node} container (which adds to {@code spec.trainer.env}, winning over a
 * variable of the same name). Both forms of Kubeflow Trainer are read: {@code podTemplateOverrides}
 * ({@code spec.volumes}, {@code spec.containers}) and the older {@code podSpecOverrides} (the same
 * fields at the override's top level). Every other override field is listed by {@link #ignored}, so
 * the job's status warns of it; {@code runtimePatches} is listed whole.
 *
 * @param podSpec what holds the nodes' volumes, or null when no override has any
 * @param container the {@code node} container whose mounts apply, or null
 * @param ignored the override fields not acted on, by their path
 */
record TrainJobOverrides(SpecMap podSpec, SpecMap container, List<String> ignored) {
  private static final String NODE = "node";
  private static final Set<String> READ = Set.of("targetJobs", "volumes", "containers", "metadata");

  TrainJobOverrides {
    ignored = List.copyOf(ignored);
  }

  /** Reads the overrides of a TrainJob's {@code spec}. */
  static TrainJobOverrides read(SpecMap spec) {
    SpecMap podSpec = null;
    SpecMap container = null;
    List<String> ignored = new ArrayList<>();
    for (String field : List.of("podTemplateOverrides", "podSpecOverrides")) {
      for (SpecMap override : spec.optionalMapList(field)) {
        boolean template = field.equals("podTemplateOverrides");
        SpecMap body = template ? override.optionalMap("spec") : override;
        if (!targetsNodes(override) || body == null) {
          ignored.add(override.path().text() + " (it targets no 'node' job)");
          continue;
        }
        if (template) {
          override.values().keySet().stream()
              .filter(key -> !key.equals("targetJobs") && !key.equals("spec"))
              .forEach(key -> ignored.add(override.pathOf(key).text()));
        }
        for (String key : body.values().keySet()) {
          if (!READ.contains(key)) {
            ignored.add(body.pathOf(key).text());
          }
        }
        if (body.has("volumes")) {
          if (podSpec != null) {
            throw body.pathOf("volumes")
                .invalid(
                    "Expected the volumes of the trainer's nodes in one override, but "
                        + podSpec.pathOf("volumes")
                        + " and "
                        + body.pathOf("volumes")
                        + " both set them");
          }
          podSpec = body;
        }
        for (SpecMap candidate : body.optionalMapList("containers")) {
          if (!NODE.equals(candidate.optionalString("name"))) {
            ignored.add(candidate.path().text() + " (only the 'node' container runs)");
            continue;
          }
          container = candidate;
          candidate.values().keySet().stream()
              .filter(key -> !List.of("name", "volumeMounts", "env").contains(key))
              .forEach(key -> ignored.add(candidate.pathOf(key).text()));
        }
      }
    }
    if (spec.has("runtimePatches")) {
      ignored.add(spec.pathOf("runtimePatches").text());
    }
    return new TrainJobOverrides(podSpec, container, ignored);
  }

  private static boolean targetsNodes(SpecMap override) {
    return override.optionalMapList("targetJobs").stream()
        .anyMatch(target -> NODE.equals(target.optionalString("name")));
  }
}
