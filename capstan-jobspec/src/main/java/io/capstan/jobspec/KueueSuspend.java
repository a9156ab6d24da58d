package io.capstan.jobspec;

import java.util.Map;

/**
 * The {@code suspend} field of a Kubeflow job. Capstan cannot hold a job suspended, so {@code true}
 * is accepted only with Kueue's queue label {@value #QUEUE_LABEL}: Capstan's scheduler then admits
 * the job, as Kueue would by unsuspending it. Without the label the job would start at once, which
 * is not what its author asked for.
 */
final class KueueSuspend {
  static final String QUEUE_LABEL = "kueue.x-k8s.io/queue-name";

  private KueueSuspend() {}

  /** Checks {@code suspend} of {@code map} (such as {@code spec} or {@code spec.runPolicy}). */
  static void check(SpecMap map, Map<String, String> labels) {
    if (Boolean.TRUE.equals(map.optionalBoolean("suspend")) && !labels.containsKey(QUEUE_LABEL)) {
      FieldPath field = map.pathOf("suspend");
      throw field.invalid(
          "Expected "
              + field
              + " to be false, or true with the label "
              + QUEUE_LABEL
              + " (Capstan's scheduler admits the job as Kueue would), but it is true"
              + " without it: Capstan cannot keep a job suspended");
    }
  }
}
