package io.capstan.server.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.api.error.CapstanException;
import io.capstan.api.experiment.ExperimentPhase;
import io.capstan.api.experiment.ExperimentView;
import io.capstan.api.experiment.TrialPhase;
import io.capstan.api.experiment.TrialView;
import io.capstan.api.job.JobPhase;
import io.capstan.runtime.MetricFiles;
import io.capstan.runtime.Mount;
import io.capstan.runtime.MountSource;
import io.capstan.server.job.JobControllerHarness;
import io.capstan.server.job.JobRecord;
import io.capstan.server.metrics.MetricReports;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/**
 * The experiment controller call by call over the real job controller, an H2 database and the
 * in-memory runtime: trials are jobs of the project, their metrics rows as the metrics collector
 * writes them.
 */
class ExperimentControllerTest {
  @TempDir Path dataDir;
  private JobControllerHarness h;
  private ExperimentStore store;
  private ExperimentService service;
  private ExperimentReconciler reconciler;

  @BeforeEach
  void setUp() {
    h = new JobControllerHarness(dataDir, List.of());
    store =
        new ExperimentStore(
            h.db.jdbc(), h.db.transactions(), JsonMapper.builder().build(), h.clock);
    service = new ExperimentService(store, uid -> {}, h.clock);
    restartController();
  }

  private void restartController() {
    reconciler =
        new ExperimentReconciler(
            store, h.jobs(), new TrialMetrics(new MetricReports(h.db.jdbc())), h.clock);
  }

  @Test
  void keepsParallelTrialsRunningAndSucceedsAtMaxTrialCountWithTheBestTrial() {
    create(experiment("tune").parallel(2).max(3));
    pass();
    List<TrialView> trials = service.trials("vision", "tune");
    assertThat(trials).hasSize(2);
    assertThat(phaseOf("tune")).isEqualTo(ExperimentPhase.RUNNING);
    JobRecord job = h.job(trials.get(0).job());
    assertThat(job.owner()).isEqualTo(uid("tune"));
    assertThat(job.phase()).isEqualTo(JobPhase.RUNNING);
    assertThat(job.spec().replicaGroups().get(0).args())
        .contains("--lr=" + trials.get(0).assignments().get("lr"));
    assertThat(h.store().submission(job.uid())).get().asString().contains("kind: PyTorchJob");

    finish(trials.get(0).job(), 0, 0.9, 0.5);
    finish(trials.get(1).job(), 0, 0.8, 0.3);
    pass();
    trials = service.trials("vision", "tune");
    assertThat(trials)
        .extracting(TrialView::phase)
        .containsExactly(TrialPhase.SUCCEEDED, TrialPhase.SUCCEEDED, TrialPhase.RUNNING);
    assertThat(trials.get(1).objective()).isEqualTo(0.3);

    finish(trials.get(2).job(), 0, 0.7, 0.6);
    pass();
    ExperimentView done = service.get("vision", "tune");
    assertThat(done.phase()).isEqualTo(ExperimentPhase.SUCCEEDED);
    assertThat(done.reason()).isEqualTo("MaxTrialsReached");
    assertThat(done.bestTrial().name()).isEqualTo(trials.get(1).name());
    assertThat(done.bestTrial().metrics()).containsEntry("loss", 0.3);
    assertThat(done.trials().succeeded()).isEqualTo(3);
    assertThat(service.trials("vision", "tune")).hasSize(3);
  }

  @Test
  void aRestartedControllerCreatesNothingTwiceAndSubmitsWhatACrashLeftPending() {
    create(experiment("tune").parallel(2).max(4));
    pass();
    List<String> before = names("tune");
    restartController();
    pass();
    assertThat(names("tune")).isEqualTo(before);

    // A crash between storing a trial and submitting its job: the next controller submits it.
    finish(before.get(0), 0, 0.5);
    store.insertTrial(
        TrialRecord.pending(
            uid("tune"), 2, "tune-crashed1", Map.of("lr", "0.01"), h.clock.instant()));
    restartController();
    pass();
    assertThat(h.job("tune-crashed1").owner()).isEqualTo(uid("tune"));
    assertThat(service.trials("vision", "tune").get(2).phase()).isEqualTo(TrialPhase.RUNNING);
    assertThat(names("tune")).hasSize(3);
  }

  @Test
  void anObjectiveNeverReportedFailsTheExperimentWithTheReason() {
    create(experiment("quiet").parallel(2).max(4));
    pass();
    List<String> trials = names("quiet");
    finish(trials.get(0), 0);
    pass();
    ExperimentView failed = service.get("vision", "quiet");
    assertThat(failed.phase()).isEqualTo(ExperimentPhase.FAILED);
    assertThat(failed.reason()).isEqualTo("ObjectiveMetricNotReported");
    assertThat(failed.message()).contains(trials.get(0), "'loss'", "loss=0.5");
    assertThat(service.trials("vision", "quiet"))
        .extracting(TrialView::phase)
        .containsExactly(TrialPhase.METRICS_UNAVAILABLE, TrialPhase.KILLED);
    assertThat(h.job(trials.get(1)).phase()).isEqualTo(JobPhase.CANCELLED);
  }

  @Test
  void aFileCollectorsTrialGetsTheRuntimesFolderAtItsPathAndTheMessageNamesIt() {
    create(experiment("filed").parallel(1).max(2).fileCollector("/var/log/katib/metrics.log"));
    pass();
    String trial = names("filed").get(0);
    assertThat(h.runtime.launchesOf(h.job(trial).uid()).get(0).mounts())
        .contains(
            new Mount(
                new MountSource.Scratch(MetricFiles.COLLECTOR_VOLUME, null),
                "/var/log/katib",
                false));
    finish(trial, 0);
    pass();

    ExperimentView failed = service.get("vision", "filed");
    assertThat(failed.reason()).isEqualTo("ObjectiveMetricNotReported");
    assertThat(failed.message())
        .contains("as its File collector says, to write them to /var/log/katib/metrics.log (TEXT)")
        .contains("$CAPSTAN_METRICS_FILE");
  }

  @Test
  void failsOnceMoreTrialsFailThanMaxFailedTrialCount() {
    create(experiment("flaky").parallel(2).max(6).maxFailed(1));
    pass();
    List<String> trials = names("flaky");
    finish(trials.get(0), 1);
    finish(trials.get(1), 1);
    pass();
    ExperimentView failed = service.get("vision", "flaky");
    assertThat(failed.phase()).isEqualTo(ExperimentPhase.FAILED);
    assertThat(failed.reason()).isEqualTo("MaxFailedTrialsReached");
    assertThat(failed.message()).contains("2 trials failed", "maxFailedTrialCount 1");
  }

  @Test
  void reachingTheGoalSucceedsAndKillsTheRunningTrials() {
    create(experiment("goal").parallel(2).max(10).goal(0.1));
    pass();
    List<String> trials = names("goal");
    finish(trials.get(0), 0, 0.5, 0.05);
    pass();
    ExperimentView done = service.get("vision", "goal");
    assertThat(done.phase()).isEqualTo(ExperimentPhase.SUCCEEDED);
    assertThat(done.reason()).isEqualTo("GoalReached");
    assertThat(done.bestTrial().objective()).isEqualTo(0.05);
    assertThat(h.job(trials.get(1)).phase()).isEqualTo(JobPhase.CANCELLED);
    assertThat(service.trials("vision", "goal").get(1).phase()).isEqualTo(TrialPhase.KILLED);
  }

  @Test
  void theMedianRuleStopsABadTrialEarly() {
    create(experiment("median").parallel(3).max(4).medianStop(2, 2));
    pass();
    List<String> trials = names("median");
    finish(trials.get(0), 0, 1.0, 0.5, 0.2);
    finish(trials.get(1), 0, 1.0, 0.4, 0.1);
    pass(); // the two are recorded and a fourth trial starts
    report(trials.get(2), 0, 9.0);
    report(trials.get(2), 1, 8.0);
    pass();
    assertThat(h.job(trials.get(2)).phase()).isEqualTo(JobPhase.CANCELLED);
    h.tick();
    pass();
    TrialView stopped = service.trials("vision", "median").get(2);
    assertThat(stopped.phase()).isEqualTo(TrialPhase.EARLY_STOPPED);
    assertThat(stopped.objective()).isEqualTo(8.0);
    assertThat(stopped.message()).contains("median rule");
  }

  @Test
  void stopCreatesNoTrialsAndResumeGoesOnWithoutLosingOne() {
    create(experiment("pause").parallel(2).max(4).resumePolicy("LongRunning"));
    pass();
    List<String> first = names("pause");
    assertThat(service.stop("vision", "pause", "alice").phase()).isEqualTo(ExperimentPhase.STOPPED);
    finish(first.get(0), 0, 0.4);
    finish(first.get(1), 0, 0.3);
    pass();
    assertThat(service.trials("vision", "pause"))
        .extracting(TrialView::phase)
        .containsExactly(TrialPhase.SUCCEEDED, TrialPhase.SUCCEEDED);
    assertThat(phaseOf("pause")).isEqualTo(ExperimentPhase.STOPPED);

    assertThat(service.resume("vision", "pause", "alice", null, null).reason())
        .isEqualTo("Resumed");
    pass();
    List<TrialView> trials = service.trials("vision", "pause");
    assertThat(trials).extracting(TrialView::index).containsExactly(0, 1, 2, 3);
    assertThat(trials.subList(0, 2)).extracting(TrialView::name).isEqualTo(first);
    finish(trials.get(2).job(), 0, 0.2);
    finish(trials.get(3).job(), 0, 0.25);
    pass();
    ExperimentView done = service.get("vision", "pause");
    assertThat(done.phase()).isEqualTo(ExperimentPhase.SUCCEEDED);
    assertThat(done.trials().succeeded()).isEqualTo(4);
    assertThat(done.conditions())
        .extracting(c -> c.type() + "=" + c.status().wireName())
        .containsExactly("Created=False", "Stopped=False", "Running=False", "Succeeded=True");
  }

  @Test
  void resumeIsRefusedWhenTheResumePolicyIsNever() {
    create(experiment("once").parallel(1).max(2));
    service.stop("vision", "once", "alice");
    assertThatThrownBy(() -> service.resume("vision", "once", "alice", null, null))
        .isInstanceOf(CapstanException.class)
        .hasMessageContaining("resumePolicy Never")
        .extracting(e -> ((CapstanException) e).field())
        .isEqualTo("spec.resumePolicy");
  }

  @Test
  void anExperimentThatReachedMaxTrialCountResumesWithALargerOneAndGoesOnFromItsTrials() {
    create(experiment("more").parallel(1).max(2).resumePolicy("LongRunning"));
    pass();
    finish(names("more").get(0), 0, 0.4);
    pass();
    finish(names("more").get(1), 0, 0.3);
    pass();
    assertThat(service.get("vision", "more").reason()).isEqualTo("MaxTrialsReached");

    ExperimentView resumed = service.resume("vision", "more", "alice", 4, 2);
    assertThat(resumed.phase()).isEqualTo(ExperimentPhase.RUNNING);
    assertThat(resumed.reason()).isEqualTo("Restarted");
    assertThat(resumed.maxTrialCount()).isEqualTo(4);
    assertThat(resumed.parallelTrialCount()).isEqualTo(2);
    // A restarted controller reads the new counts back from the store.
    restartController();
    pass();
    List<TrialView> trials = service.trials("vision", "more");
    assertThat(trials).extracting(TrialView::index).containsExactly(0, 1, 2, 3);
    assertThat(trials.subList(2, 4)).extracting(TrialView::phase).containsOnly(TrialPhase.RUNNING);
    finish(trials.get(2).job(), 0, 0.2);
    finish(trials.get(3).job(), 0, 0.5);
    pass();
    ExperimentView done = service.get("vision", "more");
    assertThat(done.phase()).isEqualTo(ExperimentPhase.SUCCEEDED);
    assertThat(done.message()).contains("4 trials finished, maxTrialCount 4");
    assertThat(done.bestTrial().name()).isEqualTo(trials.get(2).name());
  }

  @Test
  void aResumeWithNewCountsIsRefusedWithTheReasonAndTheField() {
    create(experiment("never").parallel(1).max(1));
    pass();
    finish(names("never").get(0), 0, 0.4);
    pass();
    assertRefused("never", 3, null, "spec.resumePolicy", "resumePolicy Never");

    create(experiment("small").parallel(1).max(2).resumePolicy("LongRunning"));
    pass();
    finish(names("small").get(0), 0, 0.4);
    pass();
    finish(names("small").get(1), 0, 0.4);
    pass();
    assertRefused("small", 2, null, "maxTrialCount", "greater than the 2 trials", "but was 2");
    assertRefused("small", null, null, "maxTrialCount", "Expected a maxTrialCount (--max-trials)");
    assertRefused("small", 5, 6, "parallelTrialCount", "at most maxTrialCount 5, but was 6");

    create(experiment("broken").parallel(1).max(3).resumePolicy("LongRunning"));
    pass();
    finish(names("broken").get(0), 0);
    pass();
    assertThat(phaseOf("broken")).isEqualTo(ExperimentPhase.FAILED);
    assertRefused("broken", 5, null, null, "a failed experiment cannot be resumed");

    create(experiment("won").parallel(1).max(3).goal(0.5).resumePolicy("LongRunning"));
    pass();
    finish(names("won").get(0), 0, 0.4);
    pass();
    assertRefused("won", 5, null, null, "succeeded with GoalReached");
  }

  private void assertRefused(
      String name, Integer max, Integer parallel, String field, String... message) {
    assertThatThrownBy(() -> service.resume("vision", name, "alice", max, parallel))
        .isInstanceOf(CapstanException.class)
        .hasMessageContainingAll(message)
        .satisfies(
            e -> {
              CapstanException error = (CapstanException) e;
              assertThat(error.field()).isEqualTo(field);
              assertThat(error.code().httpStatus()).isBetween(400, 499);
            });
  }

  @Test
  void deleteRemovesTheTrialsJobsThenTheExperiment() {
    create(experiment("gone").parallel(2).max(4));
    pass();
    List<String> trials = names("gone");
    String uid = uid("gone");
    service.delete("vision", "gone");
    assertThatThrownBy(() -> service.get("vision", "gone")).hasMessageContaining("not found");
    reconciler.reconcile(uid);
    h.tick();
    h.tick();
    assertThat(h.store().find("vision", trials.get(0))).isEmpty();
    assertThat(h.store().find("vision", trials.get(1))).isEmpty();
    reconciler.reconcile(uid);
    assertThat(store.findByUid(uid)).isEmpty();
  }

  @Test
  void aTemplateCapstanRefusesFailsTheExperimentNamingTheField() {
    create(experiment("huge").parallel(2).max(4).gpus(1000));
    pass();
    ExperimentView failed = service.get("vision", "huge");
    assertThat(failed.phase()).isEqualTo(ExperimentPhase.FAILED);
    assertThat(failed.reason()).isEqualTo("TrialRefused");
    assertThat(failed.message()).contains("spec.replicas", "can never start");
    assertThat(service.trials("vision", "huge")).hasSize(1);
  }

  @Test
  void aBadExperimentIsRefusedNamingTheField() {
    assertThatThrownBy(() -> create(experiment("bad").algorithm("simulated-annealing")))
        .isInstanceOf(CapstanException.class)
        .extracting(e -> ((CapstanException) e).field())
        .isEqualTo("spec.algorithm.algorithmName");
    assertThatThrownBy(() -> create(experiment("a-name-much-longer-than-forty-one-characters")))
        .extracting(e -> ((CapstanException) e).field())
        .isEqualTo("metadata.name");
    create(experiment("twice"));
    assertThatThrownBy(() -> create(experiment("twice"))).hasMessageContaining("already exists");
  }

  private void create(TestingExperiment experiment) {
    service.create("vision", experiment.yaml(), "alice");
  }

  /** One experiment pass, then one job controller pass (admission, launch). */
  private void pass() {
    for (ExperimentRecord experiment : store.list("vision")) {
      reconciler.reconcile(experiment.uid());
    }
    h.pass();
  }

  /** The trial's master prints these losses, one per epoch, and exits with {@code code}. */
  private void finish(String trial, int code, double... losses) {
    for (int i = 0; i < losses.length; i++) {
      report(trial, i, losses[i]);
    }
    h.runtime.replica(h.job(trial).uid(), "master-0").exits(code);
    h.tick();
  }

  /** What the metrics collector stores when the trial's master prints {@code loss=value}. */
  private void report(String trial, long step, double value) {
    String job = h.job(trial).uid();
    h.db
        .jdbc()
        .sql(
            "insert into job_metric_points (job_uid, replica, name, step, metric_value, at)"
                + " values (?, 'master-0', 'loss', ?, ?, 0)")
        .params(job, step, value)
        .update();
    h.db
        .jdbc()
        .sql("delete from job_metric_last where job_uid = ? and name = 'loss'")
        .param(job)
        .update();
    h.db
        .jdbc()
        .sql(
            "insert into job_metric_last (job_uid, replica, name, step, metric_value, at, points)"
                + " values (?, 'master-0', 'loss', ?, ?, 0, ?)")
        .params(job, step, value, step + 1)
        .update();
  }

  private ExperimentPhase phaseOf(String name) {
    return service.get("vision", name).phase();
  }

  private String uid(String name) {
    return service.get("vision", name).uid();
  }

  private List<String> names(String name) {
    return service.trials("vision", name).stream().map(TrialView::name).toList();
  }

  private static TestingExperiment experiment(String name) {
    return new TestingExperiment(name);
  }
}
