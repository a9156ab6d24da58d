package io.capstan.server.logs;

import io.capstan.server.artifact.ArtifactStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The log archive's copy in the artifact store, for a control plane whose data dir is a pod's disk
 * (cluster mode, the S3 store; decision 122): every attempt whose log is complete is uploaded to
 * {@code logs/<job-uid>/<replica>/<attempt>.log}, its time index beside it ({@code .times}, first),
 * and a replica's attempts that the local archive lacks are downloaded back before its log is read.
 * A complete attempt never changes, so each is uploaded once; the local files stay the archive that
 * is read and written, the store the copy that outlives the disk.
 */
final class DurableLogs {
  private static final String ROOT = "logs";
  private static final Pattern ATTEMPT_KEY = Pattern.compile("(\\d+)\\.log");

  private final ArtifactStore store;
  private final Set<String> kept = ConcurrentHashMap.newKeySet();

  DurableLogs(ArtifactStore store) {
    this.store = store;
  }

  /** Uploads a complete attempt's log and its time index, unless the store has it already. */
  void keep(String jobUid, String replica, int attempt, Path log) {
    String key = key(jobUid, replica, attempt);
    if (kept.contains(key) || !Files.isRegularFile(log)) {
      return;
    }
    long size = LogArchive.size(log);
    if (store.stat(key).filter(stored -> stored.sizeBytes() == size).isEmpty()) {
      Path times = LogTimes.indexOf(log);
      if (Files.isRegularFile(times)) {
        upload(timesKey(key), times);
      }
      upload(key, log); // last: a stored log means its index is stored too
    }
    kept.add(key);
  }

  /** Downloads the attempts of a replica's log that {@code dir} (the local archive's) lacks. */
  void restore(String jobUid, String replica, Path dir) {
    List<String> keys = store.keysUnder(ROOT + "/" + jobUid + "/" + replica);
    for (String key : keys) {
      Matcher attempt = ATTEMPT_KEY.matcher(key.substring(key.lastIndexOf('/') + 1));
      if (!attempt.matches()) {
        continue;
      }
      Path log = dir.resolve(attempt.group(1) + ".log");
      if (Files.exists(log)) {
        continue;
      }
      if (keys.contains(timesKey(key))) {
        download(timesKey(key), LogTimes.indexOf(log));
      }
      download(key, log);
      kept.add(key);
    }
  }

  /** Deletes everything kept of a job's logs. */
  void delete(String jobUid) {
    for (String key : store.keysUnder(ROOT + "/" + jobUid)) {
      store.delete(key);
      kept.remove(key);
    }
  }

  private void upload(String key, Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      store.put(key, in, Long.MAX_VALUE);
    } catch (NoSuchFileException e) {
      // Deleted with its job meanwhile: nothing to keep.
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot upload the archived log " + file + " as " + key, e);
    }
  }

  private void download(String key, Path file) {
    try {
      Files.createDirectories(file.getParent());
      Path partial = file.resolveSibling(file.getFileName() + ".download");
      try (InputStream in = store.open(key)) {
        Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
      }
      Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot download the archived log " + key + " to " + file, e);
    }
  }

  private static String key(String jobUid, String replica, int attempt) {
    return ROOT + "/" + jobUid + "/" + replica + "/" + attempt + ".log";
  }

  private static String timesKey(String logKey) {
    return logKey.substring(0, logKey.length() - ".log".length()) + ".times";
  }
}
