package io.capstan.api.serving;

import java.util.List;

/**
 * An inference service as the API shows it.
 *
 * @param name the service
 * @param project its project
 * @param generation bumped by every change of the service (spec, traffic, resolved versions,
 *     replica count); compare with {@code status.observedGeneration}
 * @param spec what was asked for, defaults filled in
 * @param status what is running and how it answers
 * @param events what happened, oldest first (only on a single get)
 */
public record ServiceView(
    String name,
    String project,
    long generation,
    ServiceSpec spec,
    ServiceStatus status,
    List<ServiceEvent> events) {
  public ServiceView {
    events = events == null ? List.of() : List.copyOf(events);
  }
}
