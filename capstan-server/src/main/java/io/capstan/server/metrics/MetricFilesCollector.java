package io.capstan.server.metrics;

import static java.util.Objects.requireNonNull;

import io.capstan.runtime.MetricFile;
import io.capstan.runtime.MetricFiles;
import io.capstan.runtime.ReplicaId;
import io.capstan.runtime.ReplicaObservation;
import io.capstan.server.job.CollectorFolder;
import io.capstan.server.logs.BeforeRelease;
import io.capstan.server.logs.LiveReplicas;
import java.time.Clock;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Reads the metric files replicas write (decisions 111, 112 and 125: a trial's Katib collector's
 * folder) through the runtime's {@link MetricFiles}: every live replica's on each pass of its loop,
 * and a replica's last bytes before the runtime forgets it ({@link BeforeRelease}). Each file is
 * read on from where the last read stopped ({@link MetricFileOffsets}), at most {@link #CHUNK}
 * bytes per file and pass, up to its first {@link #MAX_FILE} bytes; the values read and the new
 * offset are stored in one transaction, so a restarted control plane neither loses nor repeats a
 * value. Malformed lines and records are skipped and counted, never fatal; a failure to store is
 * logged and the same bytes are read again on the next pass.
 */
final class MetricFilesCollector implements BeforeRelease {
  private static final Logger log = LoggerFactory.getLogger(MetricFilesCollector.class);

  /** Read per file and pass. */
  static final int CHUNK = 1 << 20;

  /** Only a file's first bytes are read: a job cannot make the control plane read without end. */
  static final long MAX_FILE = 64L << 20;

  /** The offset of an event file whose framing broke: nothing more of it is read. */
  private static final long BROKEN = Long.MAX_VALUE;

  private static final int HEADER = 12;

  private final MetricFiles files;
  private final LiveReplicas live;
  private final MetricsStore store;
  private final ProgressStore progress;
  private final MetricFileOffsets offsets;
  private final TransactionTemplate tx;
  private final Clock clock;
  private final Function<String, Optional<CollectorFolder>> collectors;
  private final Object[] locks = new Object[64];

  /** The Katib collectors of jobs by uid: a job's never changes. */
  private final Map<String, Optional<CollectorFolder>> known =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Optional<CollectorFolder>> eldest) {
          return size() > 1024;
        }
      };

  MetricFilesCollector(
      MetricFiles files,
      LiveReplicas live,
      MetricsStore store,
      ProgressStore progress,
      MetricFileOffsets offsets,
      TransactionTemplate tx,
      Clock clock,
      Function<String, Optional<CollectorFolder>> collectors) {
    this.files = requireNonNull(files, "files is null");
    this.live = requireNonNull(live, "live is null");
    this.store = requireNonNull(store, "store is null");
    this.progress = requireNonNull(progress, "progress is null");
    this.offsets = requireNonNull(offsets, "offsets is null");
    this.tx = requireNonNull(tx, "tx is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.collectors = requireNonNull(collectors, "collectors is null");
    Arrays.setAll(locks, i -> new Object());
  }

  /** Reads what is new in every live replica's metric files, one chunk per file. */
  void collectAll() {
    for (ReplicaObservation replica : live.all()) {
      try {
        collect(replica.id(), replica.phase().isFinished());
      } catch (RuntimeException e) {
        log.warn("Cannot read the metric files of replica {} yet", replica.id().key(), e);
      }
    }
  }

  /** Reads the rest of these replicas' metric files (up to {@link #MAX_FILE} each). */
  @Override
  public void draining(Collection<ReplicaObservation> replicas) {
    for (ReplicaObservation replica : replicas) {
      while (collect(replica.id(), replica.phase().isFinished())) {
        // reads on while a pass made progress and left more
      }
    }
  }

  /**
   * Reads one chunk of each of a replica's metric files; {@code finished}: the replica has exited,
   * so what its files end with is final. Returns whether a file has more to read now.
   */
  boolean collect(ReplicaId id, boolean finished) {
    synchronized (locks[Math.floorMod(id.key().hashCode(), locks.length)]) {
      boolean more = false;
      for (MetricFile file : files.list(id)) {
        if (file.path().startsWith(MetricFiles.COLLECTOR_DIR + "/")
            && !collector(id).map(c -> c.reads(file.path())).orElse(false)) {
          continue; // a file in the collector's folder that the collector does not read
        }
        try {
          more |= collect(id, file, finished);
        } catch (NoSuchElementException e) {
          // Gone since it was listed (its job's volumes were deleted).
        }
      }
      return more;
    }
  }

  private boolean collect(ReplicaId id, MetricFile file, boolean finished) {
    MetricFileOffsets.Offset known =
        offsets
            .get(id.jobUid(), id.replica(), file.path())
            .orElse(new MetricFileOffsets.Offset(0, 0));
    long offset = known.offset();
    if (offset != BROKEN && file.size() < offset) {
      offset = 0; // written anew (a JSON-lines file opened with "w" by a new attempt)
    }
    long end = Math.min(file.size(), MAX_FILE);
    if (offset >= end) {
      return false;
    }
    int want = (int) Math.min(CHUNK, end - offset);
    byte[] bytes = files.read(id, file.path(), offset, want);
    boolean last = (finished && offset + bytes.length >= file.size()) || offset + want >= MAX_FILE;
    Read read =
        switch (file.format()) {
          case JSON_LINES -> jsonLines(bytes, last);
          case TF_EVENTS -> events(id, file, offset, bytes, last);
          case LINES -> lines(collector(id).orElseThrow(), bytes, last);
        };
    long next = read.broken() ? BROKEN : offset + read.consumed();
    if (next == known.offset() && read.skipped() == 0 && read.entries().isEmpty()) {
      return false;
    }
    if (read.skipped() > 0) {
      log.info(
          "Skipped {} malformed {} of metric file {} of replica {}",
          read.skipped(),
          file.format() == MetricFile.Format.TF_EVENTS ? "records" : "lines",
          file.path(),
          id.key());
    }
    long at = clock.millis();
    MetricFileOffsets.Offset reached =
        new MetricFileOffsets.Offset(next, known.skipped() + read.skipped());
    tx.executeWithoutResult(
        status -> {
          for (MetricJsonLines.Entry entry : read.entries()) {
            long when = entry.atMillis() != null ? entry.atMillis() : at;
            if (!entry.values().isEmpty()) {
              store.add(id.jobUid(), id.replica(), entry.values(), when);
            }
            if (entry.progress() != null) {
              progress.report(id.jobUid(), id.replica(), entry.progress(), when);
            }
          }
          offsets.put(id.jobUid(), id.replica(), file.path(), reached);
        });
    return !read.broken() && next > offset && next < end;
  }

  /** What one read of a file gave: entries to store, bytes read, lines or records skipped. */
  private record Read(
      List<MetricJsonLines.Entry> entries, long consumed, int skipped, boolean broken) {}

  private static Read jsonLines(byte[] bytes, boolean last) {
    MetricJsonLines.Parsed parsed = MetricJsonLines.parse(bytes, last);
    return new Read(parsed.entries(), parsed.consumed(), parsed.skipped(), false);
  }

  /** A Katib File collector's file: JSON lines, or text read by its filters. */
  private static Read lines(CollectorFolder collector, byte[] bytes, boolean last) {
    MetricJsonLines.Parsed parsed;
    if ("JSON".equals(collector.format())) {
      parsed = MetricJsonLines.parse(bytes, last);
    } else {
      List<Pattern> filters = collector.filters().stream().map(Pattern::compile).toList();
      parsed = MetricJsonLines.parse(bytes, last, line -> MetricLine.textLine(line, filters));
    }
    return new Read(parsed.entries(), parsed.consumed(), parsed.skipped(), false);
  }

  private Optional<CollectorFolder> collector(ReplicaId id) {
    synchronized (known) {
      return known.computeIfAbsent(id.jobUid(), collectors);
    }
  }

  private Read events(ReplicaId id, MetricFile file, long offset, byte[] bytes, boolean last) {
    TfEvents.Parsed parsed = TfEvents.read(bytes, last);
    if (parsed.consumed() == 0 && !parsed.broken() && bytes.length >= HEADER) {
      // A record larger than a chunk (an image, a histogram, a graph): passed over unread once
      // the file holds all of it; scalars are small.
      long size = TfEvents.recordSize(Arrays.copyOf(bytes, HEADER));
      if (size < 0) {
        return new Read(List.of(), 0, 1, true);
      }
      if (size > CHUNK && offset + size <= file.size()) {
        return new Read(List.of(), size, 0, false);
      }
    }
    List<MetricJsonLines.Entry> entries =
        parsed.scalars().stream()
            .map(
                scalar ->
                    new MetricJsonLines.Entry(
                        List.of(new MetricLine.Value(scalar.tag(), scalar.value(), scalar.step())),
                        scalar.wallTimeMillis() > 0 ? scalar.wallTimeMillis() : null,
                        null))
            .toList();
    if (parsed.broken()) {
      log.warn(
          "Metric file {} of replica {} is not a TFRecord file past byte {}: not read further",
          file.path(),
          id.key(),
          offset);
    }
    return new Read(entries, parsed.consumed(), parsed.skipped(), parsed.broken());
  }
}
