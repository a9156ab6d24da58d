package io.capstan.server.admission;

import java.util.List;

/**
 * Decides which queued jobs start now and where their replicas go. Gang semantics: a job is
 * admitted with every replica placed, or not at all. The scheduler (queues, quotas, fair share,
 * preemption) replaces the simple implementation behind this interface.
 */
public interface Admission {
  /**
   * Decides over the queue, in the order given (oldest first).
   *
   * @param queue waiting jobs, oldest first
   * @param cluster the nodes with what running jobs already hold
   * @return one decision per queued job, in queue order
   */
  List<AdmissionDecision> decide(List<GangRequest> queue, ClusterState cluster);

  /**
   * Why a job can never start on this cluster, or null when it could (checked at submission, so a
   * job larger than the machine is rejected rather than left waiting for ever).
   */
  String neverFits(GangRequest request, ClusterState cluster);
}
