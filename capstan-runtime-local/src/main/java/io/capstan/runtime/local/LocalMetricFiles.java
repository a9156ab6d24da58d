package io.capstan.runtime.local;

import static java.util.Objects.requireNonNull;

import io.capstan.runtime.MetricFile;
import io.capstan.runtime.MetricFiles;
import io.capstan.runtime.ReplicaId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The metric files of replicas on this machine, in each replica's own work folder (which stays
 * until the job's volumes are deleted): {@code capstan-metrics.jsonl} and the event files below
 * {@code tensorboard/}; and the files of its Katib collector's scratch volume, as {@code
 * collector/...}. The replica owns that folder, so nothing is read through a symbolic link: links
 * are not listed, and a file whose real path leaves the folder is not read.
 */
final class LocalMetricFiles implements MetricFiles {
  /** How deep below the TensorBoard folder event files are looked for. */
  private static final int MAX_DEPTH = 6;

  /** At most this many event files per replica are listed. */
  private static final int MAX_FILES = 256;

  private final Function<ReplicaId, Path> workDir;
  private final Function<ReplicaId, Path> collectorDir;

  /**
   * @param workDir the host folder of a replica's work folder
   * @param collectorDir the host folder of a replica's {@link #COLLECTOR_VOLUME}
   */
  LocalMetricFiles(Function<ReplicaId, Path> workDir, Function<ReplicaId, Path> collectorDir) {
    this.workDir = requireNonNull(workDir, "workDir is null");
    this.collectorDir = requireNonNull(collectorDir, "collectorDir is null");
  }

  @Override
  public List<MetricFile> list(ReplicaId id) {
    requireNonNull(id, "id is null");
    Path root = workDir.apply(id);
    List<MetricFile> files = new ArrayList<>();
    Path jsonLines = root.resolve(METRICS_FILE);
    sizeOf(jsonLines)
        .ifPresent(
            size -> files.add(new MetricFile(METRICS_FILE, MetricFile.Format.JSON_LINES, size)));
    walk(root.resolve(TENSORBOARD_DIR), TENSORBOARD_DIR + "/", true, files);
    walk(collectorDir.apply(id), COLLECTOR_DIR + "/", false, files);
    return List.copyOf(files);
  }

  /**
   * Adds the regular files below {@code folder} (event files only with {@code eventsOnly}), named
   * {@code prefix} and their path inside it.
   */
  private static void walk(Path folder, String prefix, boolean eventsOnly, List<MetricFile> files) {
    if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    // Files.walk follows no links unless asked to.
    try (Stream<Path> walk = Files.walk(folder, MAX_DEPTH)) {
      walk.filter(file -> !file.equals(folder))
          .filter(file -> !eventsOnly || isEvents(file))
          .sorted(Comparator.comparing(Path::toString))
          .limit(MAX_FILES)
          .forEach(
              file ->
                  sizeOf(file)
                      .ifPresent(
                          size ->
                              files.add(
                                  new MetricFile(
                                      prefix + relative(folder, file),
                                      isEvents(file)
                                          ? MetricFile.Format.TF_EVENTS
                                          : MetricFile.Format.LINES,
                                      size))));
    } catch (NoSuchFileException e) {
      // Deleted with its job while being listed.
    } catch (IOException | UncheckedIOException e) {
      throw new UncheckedIOException(
          "Cannot list the metrics folder " + folder,
          e instanceof IOException io ? io : ((UncheckedIOException) e).getCause());
    }
  }

  private static boolean isEvents(Path file) {
    return file.getFileName().toString().contains(".tfevents.");
  }

  @Override
  public byte[] read(ReplicaId id, String path, long offset, int maxBytes) {
    requireNonNull(id, "id is null");
    new MetricFile(path, MetricFile.Format.LINES, 0); // checks the path
    if (offset < 0 || maxBytes < 1) {
      throw new IllegalArgumentException(
          "Expected a non-negative offset and a positive maxBytes, but were "
              + offset
              + " and "
              + maxBytes);
    }
    boolean collected = path.startsWith(COLLECTOR_DIR + "/");
    Path root = collected ? collectorDir.apply(id) : workDir.apply(id);
    Path file = root.resolve(collected ? path.substring(COLLECTOR_DIR.length() + 1) : path);
    try {
      if (!file.toRealPath().startsWith(root.toRealPath())) {
        throw new NoSuchElementException(
            "Expected metric file '" + path + "' of replica " + id.key() + " in its work folder");
      }
      try (SeekableByteChannel channel =
          Files.newByteChannel(file, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))) {
        long size = channel.size();
        if (offset >= size) {
          return new byte[0];
        }
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(maxBytes, size - offset));
        channel.position(offset);
        while (buffer.hasRemaining() && channel.read(buffer) > 0) {
          // reads until the buffer is full or the file ends
        }
        byte[] bytes = new byte[buffer.position()];
        buffer.flip().get(bytes);
        return bytes;
      }
    } catch (NoSuchFileException e) {
      throw new NoSuchElementException(
          "Expected metric file '" + path + "' of replica " + id.key() + ", but it is gone");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read metric file " + file, e);
    }
  }

  private static Optional<Long> sizeOf(Path file) {
    try {
      BasicFileAttributes attributes =
          Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      return attributes.isRegularFile() ? Optional.of(attributes.size()) : Optional.empty();
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the size of " + file, e);
    }
  }

  private static String relative(Path root, Path file) {
    return root.relativize(file).toString().replace(java.io.File.separatorChar, '/');
  }
}
