package io.capstan.server.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.api.error.CapstanException;
import io.capstan.api.job.JobPhase;
import org.junit.jupiter.api.Test;

class JobLifecycleTest {
  @Test
  void terminalPhasesHaveNoWayOut() {
    for (JobPhase from : JobPhase.values()) {
      for (JobPhase to : JobPhase.values()) {
        if (from.isTerminal()) {
          assertThat(JobLifecycle.allowed(from, to)).as(from + "->" + to).isFalse();
        }
      }
    }
  }

  @Test
  void everyLivePhaseCanBeCancelled() {
    for (JobPhase from : JobPhase.values()) {
      if (!from.isTerminal()) {
        assertThat(JobLifecycle.allowed(from, JobPhase.CANCELLED)).as(from.name()).isTrue();
      }
    }
  }

  @Test
  void restartGoesBackThroughStarting() {
    assertThat(JobLifecycle.allowed(JobPhase.RUNNING, JobPhase.RESTARTING)).isTrue();
    assertThat(JobLifecycle.allowed(JobPhase.RESTARTING, JobPhase.STARTING)).isTrue();
    assertThat(JobLifecycle.allowed(JobPhase.RESTARTING, JobPhase.RUNNING)).isFalse();
    assertThat(JobLifecycle.allowed(JobPhase.QUEUED, JobPhase.RUNNING)).isFalse();
  }

  @Test
  void aPreemptedJobGoesBackToTheQueueButNeverStartsItself() {
    assertThat(JobLifecycle.allowed(JobPhase.RUNNING, JobPhase.QUEUED)).isTrue();
    assertThat(JobLifecycle.allowed(JobPhase.STARTING, JobPhase.QUEUED)).isTrue();
    assertThat(JobLifecycle.allowed(JobPhase.QUEUED, JobPhase.QUEUED)).isFalse();
    assertThat(JobLifecycle.allowed(JobPhase.SUCCEEDED, JobPhase.QUEUED)).isFalse();
  }

  @Test
  void illegalTransitionNamesBothPhases() {
    assertThatThrownBy(() -> JobLifecycle.check("mnist", JobPhase.SUCCEEDED, JobPhase.RUNNING))
        .isInstanceOf(CapstanException.class)
        .hasMessageContaining("Job 'mnist' cannot go from Succeeded to Running");
  }

  @Test
  void diagramListsEveryTransition() {
    assertThat(JobLifecycle.mermaid())
        .contains("[*] --> Queued")
        .contains("Running --> Restarting")
        .contains("Restarting --> Starting")
        .contains("Failed --> [*]");
  }
}
