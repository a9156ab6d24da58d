package io.capstan.api.job;

import static java.util.Objects.requireNonNull;

/**
 * Every key of a secret or config map of the project as environment variables, as Kubernetes'
 * {@code envFrom}.
 *
 * @param prefix put before every key's name, or empty
 * @param secret whether {@code name} names a secret (else a config map)
 * @param name the secret's or config map's name
 * @param optional whether a missing object is no error
 */
public record EnvFromSource(String prefix, boolean secret, String name, boolean optional) {
  public EnvFromSource {
    prefix = prefix == null ? "" : prefix;
    requireNonNull(name, "name is null");
  }
}
