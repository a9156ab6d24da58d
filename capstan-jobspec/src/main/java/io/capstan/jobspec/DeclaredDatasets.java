package io.capstan.jobspec;

import io.capstan.api.job.DatasetMount;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the datasets a job mounts: the annotation {@value DatasetMount#ANNOTATION} on every kind
 * (Kubeflow's documents stay unchanged), comma-separated {@code [PROJECT/]NAME@VERSION[:PATH]}; and
 * a TrainingJob's {@code spec.datasets}, a list of such references.
 */
final class DeclaredDatasets {
  private DeclaredDatasets() {}

  /** The datasets the annotation declares (none when it is absent). */
  static List<DatasetMount> fromAnnotations(SpecMap document) {
    SpecMap metadata = document.optionalMap("metadata");
    SpecMap annotations = metadata == null ? null : metadata.optionalMap("annotations");
    if (annotations == null) {
      return List.of();
    }
    String text = annotations.optionalString(DatasetMount.ANNOTATION);
    return DatasetMount.parseList(text, annotations.pathOf(DatasetMount.ANNOTATION).toString());
  }

  /** A TrainingJob's datasets: {@code spec.datasets} and the annotation together. */
  static List<DatasetMount> fromTrainingJob(SpecMap document, SpecMap spec) {
    List<DatasetMount> mounts = new ArrayList<>(fromAnnotations(document));
    List<String> declared = spec.optionalStringList("datasets");
    if (declared != null) {
      for (int i = 0; i < declared.size(); i++) {
        mounts.add(
            DatasetMount.parse(declared.get(i), spec.pathOf("datasets").index(i).toString()));
      }
    }
    DatasetMount.checkPaths(mounts, spec.pathOf("datasets").toString());
    return mounts;
  }
}
