package io.capstan.jobspec;

import io.capstan.api.job.ReplicaGroupSpec;
import io.capstan.api.job.ReplicaRole;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** The bounds on replica counts that every format shares. */
final class ReplicaLimits {
  static final int MAX_PER_GROUP = 512;
  static final int MAX_PER_JOB = 1024;

  /** Roles that coordinate a job; Kubeflow also allows exactly one master or chief. */
  private static final Set<ReplicaRole> SINGLE_REPLICA_ROLES =
      EnumSet.of(ReplicaRole.MASTER, ReplicaRole.CHIEF, ReplicaRole.LAUNCHER);

  private ReplicaLimits() {}

  /** Reads the replica count of a group under {@code key}: 1 when absent, 1..512 otherwise. */
  static int count(SpecMap group, String key, ReplicaRole role) {
    String subject = "replica count of '" + role.wireName() + "'";
    Long count = group.optionalLong(key, 1, MAX_PER_GROUP, subject);
    if (count == null) {
      return 1;
    }
    if (SINGLE_REPLICA_ROLES.contains(role) && count != 1) {
      throw group
          .pathOf(key)
          .invalid(
              "Expected "
                  + subject
                  + " to be 1 (a job has one "
                  + role.wireName()
                  + "), but was "
                  + count);
    }
    return count.intValue();
  }

  /** Checks that a job has at least one group and at most 1024 replicas in all. */
  static void checkJob(List<ReplicaGroupSpec> groups, FieldPath path) {
    if (groups.isEmpty()) {
      throw path.invalid("Expected at least one replica group in " + path + ", but found none");
    }
    long total = groups.stream().mapToLong(ReplicaGroupSpec::count).sum();
    if (total > MAX_PER_JOB) {
      throw path.invalid(
          "Expected at most " + MAX_PER_JOB + " replicas in a job, but was " + total);
    }
  }
}
