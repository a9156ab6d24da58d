package io.capstan.api.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Typed facts of a job spec, and specs stored when those facts were labels. */
class JobSpecTest {
  private static final ReplicaGroupSpec LAUNCHER =
      new ReplicaGroupSpec(
          ReplicaRole.LAUNCHER,
          1,
          "host",
          List.of("mpirun"),
          List.of(),
          Map.of(),
          Resources.NONE,
          RestartPolicy.NEVER);

  @Test
  void aSpecStoredWithTheOldLabelsReadsAsTypedFactsWithoutThem() {
    JobSpec stored =
        JobSpec.builder("pi", Framework.MPI, "MPIJob")
            .replicaGroups(List.of(LAUNCHER))
            .labels(
                Map.of(
                    "capstan.io/mpi-slots-per-worker", "4",
                    "capstan.io/mpi-launcher-as-worker", "true",
                    "team", "hpc"))
            .build();

    assertThat(stored.mpi()).isEqualTo(new MpiLayout(4, true));
    assertThat(stored.labels()).containsExactly(Map.entry("team", "hpc"));

    JobSpec tf =
        JobSpec.builder("tf", Framework.TENSORFLOW, "TFJob")
            .replicaGroups(List.of(LAUNCHER))
            .labels(Map.of("capstan.io/success-policy", "AllWorkers"))
            .build();
    assertThat(tf.successPolicy()).isEqualTo(JobSuccessPolicy.ALL_WORKERS);
    assertThat(tf.labels()).isEmpty();
  }

  @Test
  void typedFactsWinAndOtherJobsHaveNoMpiLayout() {
    JobSpec typed =
        JobSpec.builder("pi", Framework.MPI, "MPIJob")
            .replicaGroups(List.of(LAUNCHER))
            .mpi(new MpiLayout(2, false))
            .labels(Map.of("capstan.io/mpi-slots-per-worker", "8"))
            .build();
    assertThat(typed.mpi()).isEqualTo(new MpiLayout(2, false));

    JobSpec generic =
        JobSpec.builder("x", Framework.GENERIC, "TrainingJob").replicaGroups(List.of()).build();
    assertThat(generic.mpi()).isNull();
    assertThat(generic.successPolicy()).isEqualTo(JobSuccessPolicy.DEFAULT);
    assertThat(generic.toBuilder().build()).isEqualTo(generic);
  }
}
