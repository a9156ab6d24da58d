package io.capstan.server.job;

import static java.util.Objects.requireNonNull;

import io.capstan.api.job.JobEvent;
import io.capstan.api.job.JobOutputsView;
import io.capstan.api.job.JobPhase;
import io.capstan.runtime.JobVolumes;
import io.capstan.runtime.VolumeFile;
import io.capstan.server.artifact.ArtifactKeys;
import io.capstan.server.artifact.ArtifactStore;
import io.capstan.server.artifact.ArtifactTooLargeException;
import io.capstan.server.artifact.StoredArtifact;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * Copies a succeeded job's output volume into the artifact store, before the job is released and
 * before any other listener (the model registry) reads it: each file to {@code
 * jobs/<uid>/output/<path>}, then a manifest of what was collected and what was left out and why,
 * {@code jobs/<uid>/outputs.json}, then the job events {@code OutputsCollected} and {@code
 * OutputsNotCollected}. Idempotent: a file already stored is not copied again, a stored manifest
 * means the copy is done, and an event is added only when the job does not have it yet, so a crash
 * between any two steps is finished by the next pass. The control plane reads the volume only
 * through the runtime ({@link JobVolumes}), never on a disk of its own.
 */
public final class JobOutputCollector implements SucceededJobListener {
  private static final Logger log = LoggerFactory.getLogger(JobOutputCollector.class);

  /** The job event that lists what was collected. */
  static final String COLLECTED = "OutputsCollected";

  /** The job event that lists what was left out, and why. */
  static final String NOT_COLLECTED = "OutputsNotCollected";

  private static final int EVENT_NAMES = 20;
  private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
  private static final Duration MAX_RETRY = Duration.ofMinutes(5);

  private final JobVolumes volumes;
  private final ArtifactStore artifacts;
  private final JobStore jobs;
  private final JsonMapper json;
  private final Clock clock;
  private final JobOutputsConfig limits;
  private final Executor copier;
  private final Map<String, CompletableFuture<JobOutputsView>> copies = new ConcurrentHashMap<>();
  private final Map<String, Failed> failures = new ConcurrentHashMap<>();

  /**
   * @param copier runs the copies (a thread of their own in the server; the caller's thread in
   *     tests, which makes {@link #jobSucceeded} finish at once)
   */
  public JobOutputCollector(
      JobVolumes volumes,
      ArtifactStore artifacts,
      JobStore jobs,
      JsonMapper json,
      Clock clock,
      JobOutputsConfig limits,
      Executor copier) {
    this.volumes = requireNonNull(volumes, "volumes is null");
    this.artifacts = requireNonNull(artifacts, "artifacts is null");
    this.jobs = requireNonNull(jobs, "jobs is null");
    this.json = requireNonNull(json, "json is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.limits = requireNonNull(limits, "limits is null");
    this.copier = requireNonNull(copier, "copier is null");
  }

  /**
   * The artifact key of the collected file {@code path} of job {@code uid}'s output.
   *
   * @throws IllegalArgumentException when {@code path} cannot be part of an artifact key (such a
   *     file is never collected)
   */
  public static String key(String uid, String path) {
    return ArtifactKeys.check(outputFolder(uid) + "/" + path);
  }

  /**
   * Copies the job's outputs on the collector's own thread: a copy of gigabytes must not hold the
   * job controller, which serves every other job meanwhile. False until the copy has finished (and
   * its manifest is stored); then the events are recorded and it is true.
   */
  @Override
  public boolean jobSucceeded(JobRecord job) {
    String uid = job.uid();
    Optional<JobOutputsView> stored = manifest(uid);
    if (stored.isEmpty()) {
      Failed failed = failures.get(uid);
      if (failed != null && clock.instant().isBefore(failed.retryAt())) {
        return false;
      }
      CompletableFuture<JobOutputsView> copy =
          copies.computeIfAbsent(
              uid, key -> CompletableFuture.supplyAsync(() -> collect(job), copier));
      if (!copy.isDone()) {
        return false;
      }
      copies.remove(uid, copy);
      try {
        stored = Optional.of(copy.join());
      } catch (CompletionException | CancellationException e) {
        retryLater(job, failed, e.getCause() == null ? e : e.getCause());
        return false;
      }
      failures.remove(uid);
    }
    recordEvents(job, stored.get());
    return true;
  }

  /**
   * A copy that failed as a whole (the volume could not be listed, the manifest not stored) is
   * tried again later, each time twice as late, up to {@link #MAX_RETRY}: the job keeps its
   * replicas meanwhile, and the log gets one line per try, not one per controller pass.
   */
  private void retryLater(JobRecord job, Failed before, Throwable cause) {
    int tries = before == null ? 1 : before.tries() + 1;
    Duration delay = FIRST_RETRY.multipliedBy(1L << Math.min(tries - 1, 16));
    if (delay.compareTo(MAX_RETRY) > 0) {
      delay = MAX_RETRY;
    }
    failures.put(job.uid(), new Failed(tries, clock.instant().plus(delay)));
    String message =
        "Job {} of project {}: cannot collect its outputs (try {}), trying again in {} s: {}";
    if (tries == 1) {
      log.warn(
          message, job.name(), job.project(), tries, delay.toSeconds(), cause.toString(), cause);
    } else {
      log.warn(message, job.name(), job.project(), tries, delay.toSeconds(), cause.toString());
    }
  }

  /** A job whose last copy failed: how often in a row, and when to try again. */
  private record Failed(int tries, Instant retryAt) {}

  private void recordEvents(JobRecord job, JobOutputsView collected) {
    Set<String> recorded =
        jobs.events(job.uid()).stream().map(JobEvent::reason).collect(Collectors.toSet());
    if (!collected.files().isEmpty() && !recorded.contains(COLLECTED)) {
      long bytes = collected.files().stream().mapToLong(JobOutputsView.File::sizeBytes).sum();
      event(
          job,
          COLLECTED,
          "Collected "
              + collected.files().size()
              + (collected.files().size() == 1 ? " file" : " files")
              + " ("
              + bytes
              + " bytes) of "
              + JobLauncher.OUTPUT_DIR
              + " into the artifact store: "
              + names(collected.files().stream().map(JobOutputsView.File::path).toList()));
    }
    if (!collected.notCollected().isEmpty() && !recorded.contains(NOT_COLLECTED)) {
      event(
          job,
          NOT_COLLECTED,
          "Did not collect "
              + collected.notCollected().size()
              + (collected.notCollected().size() == 1 ? " file" : " files")
              + " of "
              + JobLauncher.OUTPUT_DIR
              + ": "
              + collected.notCollected().stream()
                  .limit(EVENT_NAMES)
                  .map(s -> "'" + s.path() + "' (" + s.reason() + ")")
                  .collect(Collectors.joining("; "))
              + (collected.notCollected().size() > EVENT_NAMES ? "; ..." : ""));
    }
  }

  /** What was collected of {@code job}'s output; not collected (yet) without a manifest. */
  public JobOutputsView view(JobRecord job) {
    return manifest(job.uid()).orElseGet(() -> new JobOutputsView(false, List.of(), List.of()));
  }

  /** Deletes everything collected of job {@code uid}. */
  void delete(String uid) {
    // The manifest last: while it exists, a crash here leaves a job that lists what it had.
    for (String key : artifacts.keysUnder(outputFolder(uid))) {
      artifacts.delete(key);
    }
    artifacts.delete(manifestKey(uid));
  }

  private JobOutputsView collect(JobRecord job) {
    String uid = job.uid();
    Set<String> stored = new HashSet<>(artifacts.keysUnder(outputFolder(uid)));
    List<JobOutputsView.File> files = new ArrayList<>();
    List<JobOutputsView.Skipped> skipped = new ArrayList<>();
    long total = 0;
    for (VolumeFile entry : volumes.list(uid, JobLauncher.OUTPUT_VOLUME)) {
      String problem = problem(uid, entry, total);
      if (problem == null) {
        try {
          String key = key(uid, entry.path());
          StoredArtifact artifact =
              stored.contains(key)
                  ? artifacts.stat(key).orElseGet(() -> copy(uid, entry, key))
                  : copy(uid, entry, key);
          files.add(new JobOutputsView.File(entry.path(), artifact.sizeBytes(), artifact.sha256()));
          total += artifact.sizeBytes();
        } catch (ArtifactTooLargeException e) {
          problem = "it grew past the limit of " + limits.maxFileBytes() + " bytes per file";
        } catch (NoSuchElementException e) {
          problem = "it is no longer there";
        } catch (UncheckedIOException e) {
          // Left out rather than retried for ever: the job holds its resources until released.
          log.warn("Job {}: cannot collect output {}", uid, entry.path(), e);
          problem = "it could not be copied: " + e.getMessage();
        }
      }
      if (problem != null) {
        skipped.add(new JobOutputsView.Skipped(entry.path(), problem));
      }
    }
    JobOutputsView manifest = new JobOutputsView(true, files, skipped);
    byte[] content = json.writeValueAsBytes(manifest);
    artifacts.put(manifestKey(uid), new ByteArrayInputStream(content), content.length);
    return manifest;
  }

  /** Why {@code entry} is not collected, or null when it is. */
  private String problem(String uid, VolumeFile entry, long total) {
    if (!entry.regularFile()) {
      return "not a regular file: a symbolic link or special file is never followed";
    }
    try {
      key(uid, entry.path());
    } catch (IllegalArgumentException e) {
      return "its path is not one the artifact store takes: at most 13 segments, each of"
          + " letters, digits, '.', '_' and '-'";
    }
    if (entry.sizeBytes() > limits.maxFileBytes()) {
      return entry.sizeBytes()
          + " bytes, over the limit of "
          + limits.maxFileBytes()
          + " bytes per file (capstan.job-outputs.max-file-bytes)";
    }
    if (total + entry.sizeBytes() > limits.maxTotalBytes()) {
      return "the job's collected outputs would pass the limit of "
          + limits.maxTotalBytes()
          + " bytes (capstan.job-outputs.max-total-bytes)";
    }
    return null;
  }

  private StoredArtifact copy(String uid, VolumeFile entry, String key) {
    try (InputStream in = volumes.open(uid, JobLauncher.OUTPUT_VOLUME, entry.path())) {
      return artifacts.put(key, in, limits.maxFileBytes());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + entry.path() + " of job " + uid, e);
    }
  }

  private Optional<JobOutputsView> manifest(String uid) {
    try (InputStream in = artifacts.open(manifestKey(uid))) {
      return Optional.of(json.readValue(in, JobOutputsView.class));
    } catch (NoSuchElementException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the output manifest of job " + uid, e);
    }
  }

  private void event(JobRecord job, String reason, String message) {
    jobs.addEvent(job.uid(), new JobEvent(clock.instant(), JobPhase.SUCCEEDED, reason, message));
  }

  private static String names(List<String> paths) {
    return paths.stream().limit(EVENT_NAMES).collect(Collectors.joining(", "))
        + (paths.size() > EVENT_NAMES ? ", ..." : "");
  }

  private static String outputFolder(String uid) {
    return "jobs/" + uid + "/output";
  }

  private static String manifestKey(String uid) {
    return "jobs/" + uid + "/outputs.json";
  }
}
