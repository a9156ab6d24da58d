package io.capstan.runtime;

/**
 * A kind of {@link WorkloadRuntime} the control plane can run on, found with {@link
 * java.util.ServiceLoader}: a runtime's module lists its provider in {@code
 * META-INF/services/io.capstan.runtime.WorkloadRuntimeProvider}, and the operator picks one with
 * {@code capstan.runtime.kind}. The control plane knows no runtime's classes or settings.
 *
 * <p>Contract: {@link #create} is called once, at start-up, from one thread. It reads and validates
 * the runtime's own settings ({@link RuntimeContext#settings()}) and fails with an {@link
 * IllegalArgumentException} naming the property, what was expected and what was found when one is
 * invalid, or with an {@link IllegalStateException} when the host cannot run the runtime (the local
 * runtime without a working sandbox, say). The caller closes the runtime it returns.
 */
public interface WorkloadRuntimeProvider {
  /**
   * The value of {@code capstan.runtime.kind} that selects this runtime: lowercase letters, digits
   * and dashes, e.g. {@code local} or {@code kubernetes}; also the middle of its settings' prefix,
   * {@code capstan.runtime.<kind>.}.
   */
  String kind();

  /** A new runtime for this control plane. */
  WorkloadRuntime create(RuntimeContext context);
}
