package io.capstan.server.job;

/** Told of every admission and preemption the scheduler makes (for the metrics). */
public interface AdmissionEvents {
  /** Nobody listens. */
  AdmissionEvents NONE =
      new AdmissionEvents() {
        @Override
        public void admitted(String project, String kind) {}

        @Override
        public void preempted(String project, String kind) {}
      };

  void admitted(String project, String kind);

  void preempted(String project, String kind);
}
