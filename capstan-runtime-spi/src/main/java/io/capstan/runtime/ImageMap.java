package io.capstan.runtime;

import io.capstan.api.image.ImageEnvironment;
import io.capstan.api.image.ImageEnvironmentList;
import java.util.List;
import java.util.Optional;

/**
 * Optional capability of a runtime whose container images are stand-ins on the host (the local
 * runtime): the map from image patterns to what each image stands for ({@link ImageEnvironment}),
 * which an operator edits. A runtime that runs real images (Kubernetes) has none: there, an image
 * is what its registry holds. See {@link WorkloadRuntime#images()}.
 *
 * <p>Safe to call from any thread, also while the runtime launches replicas; a change applies to
 * the launches that come after it.
 */
public interface ImageMap {
  /** Every entry in use, where the operator's are kept and what is wrong with that file, if any. */
  ImageEnvironmentList list();

  /** The entry of exactly {@code pattern} (not the one an image of that name would match). */
  Optional<ImageEnvironment> get(String pattern);

  /**
   * Adds or replaces the operator's entry of {@code entry.pattern()}, which then wins over a
   * built-in entry of the same pattern.
   *
   * @return the entry as stored
   * @throws io.capstan.api.error.CapstanException {@code INVALID_ARGUMENT} naming the entry and
   *     field that is wrong (nothing is changed); {@code INVALID_STATE} when the operator's file
   *     cannot be used as it is now (fix it by hand first)
   */
  ImageEnvironment set(ImageEnvironment entry);

  /**
   * Removes the operator's entry of {@code pattern}; a built-in entry of that pattern applies
   * again.
   *
   * @return whether there was one
   */
  boolean delete(String pattern);

  /**
   * What a container of {@code image} with neither command nor args would run, or, with {@code
   * args}, what it runs them with: empty when the map gives the image no entrypoint (the container
   * cannot run without a command).
   *
   * @param args the container's args; empty for none
   */
  Optional<List<String>> commandWithoutCommand(String image, List<String> args);
}
