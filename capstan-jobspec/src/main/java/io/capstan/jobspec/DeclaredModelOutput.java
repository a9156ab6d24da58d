package io.capstan.jobspec;

import io.capstan.api.error.CapstanException;
import io.capstan.api.job.ModelOutput;
import io.capstan.api.model.ModelRef;
import java.util.List;

/**
 * Reads a job's declared model output: Capstan's {@code spec.registerModel: {name, path}}, or, for
 * every kind (Kubeflow's must stay unchanged), the annotations {@value #MODEL_ANNOTATION} and
 * {@value #PATH_ANNOTATION} in {@code metadata.annotations}.
 */
final class DeclaredModelOutput {
  static final String MODEL_ANNOTATION = "capstan.io/register-model";
  static final String PATH_ANNOTATION = "capstan.io/model-path";

  private static final List<String> SPEC_FIELDS = List.of("name", "path");

  private DeclaredModelOutput() {}

  /** The output declared by {@code metadata.annotations}, or null. */
  static ModelOutput fromAnnotations(SpecMap document) {
    SpecMap metadata = document.optionalMap("metadata");
    SpecMap annotations = metadata == null ? null : metadata.optionalMap("annotations");
    if (annotations == null) {
      return null;
    }
    String model = annotations.optionalString(MODEL_ANNOTATION);
    String path = annotations.optionalString(PATH_ANNOTATION);
    if (model == null) {
      if (path != null) {
        throw annotations
            .pathOf(PATH_ANNOTATION)
            .invalid(
                "Expected "
                    + annotations.pathOf(MODEL_ANNOTATION)
                    + " to name the model when "
                    + annotations.pathOf(PATH_ANNOTATION)
                    + " is set, but it is missing");
      }
      return null;
    }
    return checked(annotations, MODEL_ANNOTATION, model, PATH_ANNOTATION, path);
  }

  /** The output declared by {@code spec.registerModel} of a TrainingJob, or by annotations. */
  static ModelOutput fromTrainingJob(SpecMap document, SpecMap spec) {
    ModelOutput annotated = fromAnnotations(document);
    SpecMap declared = spec.optionalMap("registerModel");
    if (declared == null) {
      return annotated;
    }
    if (annotated != null) {
      throw spec.pathOf("registerModel")
          .invalid(
              "Expected the model output in spec.registerModel or in the annotation "
                  + MODEL_ANNOTATION
                  + ", but both are set");
    }
    declared.rejectUnknownKeys(SPEC_FIELDS);
    return checked(
        declared, "name", declared.requiredString("name"), "path", declared.optionalString("path"));
  }

  private static ModelOutput checked(
      SpecMap map, String modelKey, String model, String pathKey, String path) {
    try {
      ModelRef.checkName(model, map.pathOf(modelKey).toString());
    } catch (CapstanException e) {
      throw map.pathOf(modelKey).invalid(e.getMessage(), e);
    }
    if (path != null) {
      try {
        ModelOutput.checkPath(path, map.pathOf(pathKey).toString());
      } catch (CapstanException e) {
        throw map.pathOf(pathKey).invalid(e.getMessage(), e);
      }
    }
    return new ModelOutput(model, path);
  }
}
