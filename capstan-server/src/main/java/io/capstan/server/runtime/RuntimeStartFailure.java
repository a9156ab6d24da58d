package io.capstan.server.runtime;

import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;

/**
 * Says in two lines, instead of a stack trace, why the workload runtime could not start: a bad
 * {@code capstan.runtime.*} setting, or a host that cannot run it (no working bubblewrap).
 */
final class RuntimeStartFailure implements FailureAnalyzer {
  @Override
  public FailureAnalysis analyze(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof BeanCreationException creation
          && "workloadRuntime".equals(creation.getBeanName())) {
        Throwable reason = deepest(creation);
        return new FailureAnalysis(
            "The workload runtime could not start: " + reason.getMessage(),
            "Change the setting it names (docs/operations.md, \"Settings\") or the host, then"
                + " start the server again.",
            failure);
      }
    }
    return null;
  }

  private static Throwable deepest(Throwable failure) {
    Throwable deepest = failure;
    while (deepest.getCause() != null && deepest.getCause() != deepest) {
      deepest = deepest.getCause();
    }
    return deepest;
  }
}
