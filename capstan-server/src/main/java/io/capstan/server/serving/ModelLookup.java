package io.capstan.server.serving;

/**
 * Resolves a project's model reference ({@code NAME:VERSION}, {@code NAME@ALIAS}) to the version it
 * means now and the file to serve. Implemented over the model registry.
 */
@FunctionalInterface
interface ModelLookup {
  /**
   * @throws io.capstan.api.error.CapstanException NOT_FOUND for an unknown model, version or alias,
   *     INVALID_ARGUMENT for a malformed reference
   */
  ServedModel resolve(String project, String reference);
}
