package io.capstan.api.notebook;

import java.util.List;

/**
 * What a user asks for when creating a notebook ({@code POST .../notebooks}).
 *
 * @param name the notebook's name: lowercase letters, digits and dashes, at most 40 characters
 * @param image the environment: a container image, mapped to a local environment on one machine
 *     ({@code capstan env}); null for {@code pytorch/pytorch:latest}
 * @param gpus GPUs, 0 or more; null for 0
 * @param cpu CPU as a Kubernetes quantity ({@code 2}, {@code 500m}); null for 1
 * @param memory memory as a Kubernetes quantity ({@code 4Gi}); null for 2Gi
 * @param cullAfterSeconds idle time after which the notebook is stopped; 0 never culls it; null
 *     takes the project's setting ({@link NotebookSettings})
 * @param datasets datasets to mount read-only ({@code name@version:/path}); not available yet: a
 *     non-empty list is refused
 */
public record NotebookSpec(
    String name,
    String image,
    Integer gpus,
    String cpu,
    String memory,
    Long cullAfterSeconds,
    List<String> datasets) {
  public NotebookSpec {
    datasets = datasets == null ? List.of() : List.copyOf(datasets);
  }
}
