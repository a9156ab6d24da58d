package io.capstan.server.job;

import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The kinds of workload this control plane runs, by name. */
public final class WorkloadKinds {
  private final Map<String, WorkloadKind> byName = new LinkedHashMap<>();

  public WorkloadKinds(List<WorkloadKind> kinds) {
    for (WorkloadKind kind : kinds) {
      if (byName.putIfAbsent(kind.name(), kind) != null) {
        throw new IllegalStateException("Two workload kinds are named '" + kind.name() + "'");
      }
    }
  }

  /** The kind of {@code job}. */
  public WorkloadKind of(JobRecord job) {
    WorkloadKind kind = byName.get(job.kind());
    if (kind == null) {
      throw new CapstanException(
          ErrorCode.INTERNAL,
          "Workload '"
              + job.name()
              + "' is of kind '"
              + job.kind()
              + "', which this control plane does not know; known kinds: "
              + byName.keySet());
    }
    return kind;
  }
}
