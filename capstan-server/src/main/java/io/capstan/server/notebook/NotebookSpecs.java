package io.capstan.server.notebook;

import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import io.capstan.api.job.DatasetMount;
import io.capstan.api.job.Quantities;
import io.capstan.api.notebook.NotebookSpec;
import io.capstan.server.identity.Names;
import java.util.List;

/**
 * Checks a notebook spec and fills in its defaults; a refusal names the field, what was expected
 * and what was found.
 */
final class NotebookSpecs {
  /** Leaves room for the workload's name ({@code nb-<name>-<5 hex>}) in a DNS label. */
  static final int MAX_NAME = 40;

  static final String DEFAULT_CPU = "1";
  static final String DEFAULT_MEMORY = "2Gi";

  private NotebookSpecs() {}

  /** The spec with defaults filled in; INVALID_ARGUMENT naming the field when it is wrong. */
  static NotebookSpec normalize(NotebookSpec spec, String defaultImage) {
    if (spec == null) {
      throw invalid("body", "Expected a notebook spec such as {\"name\":\"lab\"}, but was none");
    }
    String name = spec.name();
    if (name == null || name.length() > MAX_NAME || !Names.isLabel(name)) {
      throw invalid(
          "name",
          "Expected a notebook name of at most "
              + MAX_NAME
              + " lowercase letters, digits and '-' (starting and ending with a letter or digit),"
              + " but was "
              + (name == null ? "none" : "'" + name + "'"));
    }
    // Each reference is [PROJECT/]NAME@VERSION[:PATH]; whether the project may read it is checked
    // when the notebook's server is launched, as for a job.
    mounts(spec.datasets());
    int gpus = spec.gpus() == null ? 0 : spec.gpus();
    if (gpus < 0) {
      throw invalid("gpus", "Expected 0 or more GPUs, but was " + gpus);
    }
    String cpu = spec.cpu() == null ? DEFAULT_CPU : spec.cpu().trim();
    String memory = spec.memory() == null ? DEFAULT_MEMORY : spec.memory().trim();
    positive("cpu", cpu, true);
    positive("memory", memory, false);
    if (spec.cullAfterSeconds() != null && spec.cullAfterSeconds() < 0) {
      throw invalid(
          "cullAfterSeconds",
          "Expected a cull time of 0 (never) or more seconds, but was " + spec.cullAfterSeconds());
    }
    String image =
        spec.image() == null || spec.image().isBlank() ? defaultImage : spec.image().trim();
    return new NotebookSpec(
        name, image, gpus, cpu, memory, spec.cullAfterSeconds(), spec.datasets());
  }

  private static void positive(String field, String quantity, boolean cpu) {
    long amount;
    try {
      amount = cpu ? Quantities.parseCpu(quantity) : Quantities.parseMemory(quantity);
    } catch (IllegalArgumentException e) {
      throw new CapstanException(ErrorCode.INVALID_ARGUMENT, field, e.getMessage(), e);
    }
    if (amount <= 0) {
      throw invalid(
          field, "Expected a positive " + field + " quantity, but was '" + quantity + "'");
    }
  }

  static CapstanException invalid(String field, String message) {
    return new CapstanException(ErrorCode.INVALID_ARGUMENT, field, message);
  }

  /** The dataset versions a notebook mounts read-only, from its spec's references. */
  static List<DatasetMount> mounts(List<String> references) {
    List<DatasetMount> mounts = new java.util.ArrayList<>();
    for (int i = 0; i < references.size(); i++) {
      mounts.add(DatasetMount.parse(references.get(i), "datasets[" + i + "]"));
    }
    DatasetMount.checkPaths(mounts, "datasets");
    return mounts;
  }
}
