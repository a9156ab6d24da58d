package io.capstan.server.serving;

import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import io.capstan.api.model.ModelRef;
import io.capstan.server.model.ModelRegistry;
import io.capstan.server.model.ResolvedModel;

/** {@link ModelLookup} over the model registry: replicas read the artifact's local file. */
final class RegistryModels implements ModelLookup {
  private final ModelRegistry registry;

  RegistryModels(ModelRegistry registry) {
    this.registry = registry;
  }

  @Override
  public ServedModel resolve(String project, String reference) {
    ResolvedModel model = registry.resolve(project, ModelRef.parse(reference, "model"));
    return new ServedModel(
        model.model(),
        model.version(),
        model
            .localPath()
            .orElseThrow(
                () ->
                    new CapstanException(
                        ErrorCode.UNAVAILABLE,
                        "Model "
                            + model.model()
                            + ":"
                            + model.version()
                            + " has no local file; serving from a remote artifact store is not"
                            + " supported yet")));
  }
}
