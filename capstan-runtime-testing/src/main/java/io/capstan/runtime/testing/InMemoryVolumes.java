package io.capstan.runtime.testing;

import static java.util.Objects.requireNonNull;

import io.capstan.runtime.JobVolumes;
import io.capstan.runtime.VolumeFile;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The job volumes of an {@link InMemoryRuntime}: per job and volume name, files by relative path; a
 * file without content is a symbolic link. Thread-safe.
 */
final class InMemoryVolumes implements JobVolumes {
  /** Content of each entry; an empty optional marks a link. */
  private final Map<String, Map<String, TreeMap<String, Optional<byte[]>>>> jobs = new TreeMap<>();

  private final java.util.List<String> deletions = new java.util.ArrayList<>();

  synchronized void put(String jobUid, String volume, String path, byte[] content) {
    JobVolumes.checkVolume(jobUid, volume);
    JobVolumes.checkPath(path);
    files(jobUid, volume).put(path, Optional.ofNullable(content).map(byte[]::clone));
  }

  /** Makes the volume exist (empty), as a mount does. */
  synchronized void create(String jobUid, String volume) {
    files(jobUid, volume);
  }

  /** The content of a regular file, or empty. */
  synchronized Optional<byte[]> read(String jobUid, String volume, String path) {
    var volumes = jobs.get(jobUid);
    var files = volumes == null ? null : volumes.get(volume);
    Optional<byte[]> content = files == null ? null : files.get(path);
    return content == null ? Optional.empty() : content.map(byte[]::clone);
  }

  synchronized List<String> deletions() {
    return List.copyOf(deletions);
  }

  @Override
  public synchronized List<VolumeFile> list(String jobUid, String volume) {
    JobVolumes.checkVolume(jobUid, volume);
    var volumes = jobs.get(jobUid);
    var files = volumes == null ? null : volumes.get(volume);
    if (files == null) {
      return List.of();
    }
    return files.entrySet().stream()
        .map(
            e ->
                new VolumeFile(
                    e.getKey(),
                    e.getValue().map(b -> (long) b.length).orElse(0L),
                    e.getValue().isPresent()))
        .toList();
  }

  @Override
  public synchronized InputStream open(String jobUid, String volume, String path) {
    JobVolumes.checkVolume(jobUid, volume);
    JobVolumes.checkPath(path);
    return new ByteArrayInputStream(
        read(jobUid, volume, path)
            .orElseThrow(
                () ->
                    new NoSuchElementException(
                        "No regular file '"
                            + path
                            + "' in volume "
                            + volume
                            + " of job "
                            + jobUid)));
  }

  @Override
  public synchronized void delete(String jobUid) {
    requireNonNull(jobUid, "jobUid is null");
    deletions.add(jobUid);
    jobs.remove(jobUid);
  }

  private TreeMap<String, Optional<byte[]>> files(String jobUid, String volume) {
    return jobs.computeIfAbsent(jobUid, k -> new TreeMap<>())
        .computeIfAbsent(volume, k -> new TreeMap<>());
  }
}
