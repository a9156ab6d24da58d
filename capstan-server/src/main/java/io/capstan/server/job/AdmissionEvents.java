package io.capstan.server.job;

import io.capstan.scheduler.growth.UnplaceableDemand;
import java.util.List;

/**
 * Told of every admission and preemption the scheduler makes, of the gangs that wait for nodes, and
 * of jobs sent back to the queue by a node the cloud took back (for the metrics).
 */
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

  /** After each cycle: the gangs that more nodes would start, by node shape (all of them). */
  default void unplaceable(List<UnplaceableDemand.Want> demand) {}

  /** A workload went back to the queue because the cloud took back a node it ran on. */
  default void reclaimed(String project, String kind) {}
}
