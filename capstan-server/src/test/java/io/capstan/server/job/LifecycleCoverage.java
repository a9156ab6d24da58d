package io.capstan.server.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.api.job.JobEvent;
import io.capstan.api.job.JobPhase;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Drives one transition of {@link JobLifecycle}'s table through the job controller and checks it,
 * and checks that a kind's cases plus the transitions that do not apply to it are the whole table:
 * shared by the training-job and the serving-replica cases.
 */
public final class LifecycleCoverage {
  private LifecycleCoverage() {}

  /** The transition {@code from -> to} of the table; fails the test when the table lacks it. */
  public static JobLifecycle.Transition transition(JobPhase from, JobPhase to) {
    return JobLifecycle.transitions().stream()
        .filter(t -> t.from() == from && t.to() == to)
        .findFirst()
        .orElseThrow(
            () ->
                new AssertionError(
                    "Expected "
                        + from.wireName()
                        + " -> "
                        + to.wireName()
                        + " in JobLifecycle's table, but it is not there"));
  }

  /**
   * Runs {@code cause} on the workload {@code uid}, which must be in the transition's first phase,
   * and asserts that the next phase change recorded for it is the transition, for {@code reason}.
   */
  public static void assertTransition(
      JobControllerHarness h,
      String uid,
      JobLifecycle.Transition expected,
      String reason,
      Runnable cause) {
    assertPath(h, uid, List.of(expected), List.of(reason), cause);
  }

  /**
   * Like {@link #assertTransition}, for transitions that follow each other within one reconcile (a
   * one-replica workload passes Restarting on its way back to Starting): the next phase changes
   * recorded are {@code path}, in order, for {@code reasons}.
   */
  public static void assertPath(
      JobControllerHarness h,
      String uid,
      List<JobLifecycle.Transition> path,
      List<String> reasons,
      Runnable cause) {
    assertThat(h.byUid(uid).phase()).as("the phase before " + path).isEqualTo(path.get(0).from());
    int before = h.events(uid).size();

    cause.run();

    List<JobEvent> next = h.events(uid).stream().skip(before).limit(path.size()).toList();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < path.size(); i++) {
      expected.add(path.get(i).to().wireName() + " " + reasons.get(i));
    }
    assertThat(next)
        .as(
            () ->
                "the phase changes after the cause of " + path + "; the workload is " + now(h, uid))
        .extracting(event -> event.phase().wireName() + " " + event.reason())
        .containsExactlyElementsOf(expected);
  }

  /**
   * Asserts that {@code covered} (the transitions a kind's cases drive) and {@code notApplicable}
   * (the others, each with why it cannot happen to that kind) are together exactly the table, so a
   * transition added to the table fails until a case covers it or says why it does not apply.
   */
  public static void assertCovers(
      Collection<JobLifecycle.Transition> covered,
      Map<JobLifecycle.Transition, String> notApplicable) {
    assertThat(covered).as("one case per transition").doesNotHaveDuplicates();
    assertThat(notApplicable.keySet())
        .as("a transition is either covered or does not apply")
        .doesNotContainAnyElementsOf(covered);
    assertThat(notApplicable.values()).as("why it does not apply").allMatch(why -> !why.isBlank());
    Set<String> cases = new HashSet<>();
    covered.forEach(t -> cases.add(t.toString()));
    notApplicable.keySet().forEach(t -> cases.add(t.toString()));
    Set<String> table =
        JobLifecycle.transitions().stream()
            .map(JobLifecycle.Transition::toString)
            .collect(Collectors.toSet());
    assertThat(cases)
        .as(
            "the transitions of JobLifecycle, each with a controller test or a reason it cannot"
                + " happen")
        .containsExactlyInAnyOrderElementsOf(table);
  }

  private static String now(JobControllerHarness h, String uid) {
    return h.events(uid).isEmpty()
        ? "gone"
        : h.events(uid).get(h.events(uid).size() - 1).phase().wireName();
  }
}
