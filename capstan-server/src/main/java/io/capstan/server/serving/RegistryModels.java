package io.capstan.server.serving;

import io.capstan.api.model.ModelRef;
import io.capstan.server.model.ModelRegistry;
import io.capstan.server.model.ResolvedModel;

/**
 * {@link ModelLookup} over the model registry: replicas mount the version's artifact, which the
 * runtime reads from the artifact store.
 */
final class RegistryModels implements ModelLookup {
  private final ModelRegistry registry;

  RegistryModels(ModelRegistry registry) {
    this.registry = registry;
  }

  @Override
  public ServedModel resolve(String project, String reference) {
    ResolvedModel model = registry.resolve(project, ModelRef.parse(reference, "model"));
    return new ServedModel(model.model(), model.version(), model.artifactKey());
  }
}
