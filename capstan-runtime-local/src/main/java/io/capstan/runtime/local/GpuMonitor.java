package io.capstan.runtime.local;

import static java.util.Objects.requireNonNull;

import io.capstan.runtime.GpuUsage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples this machine's GPUs with {@code nvidia-smi} every period on a thread of its own, and
 * keeps the last sample for the control plane's metrics and {@code capstan top}. A failed sample
 * keeps the previous one (it says when it was taken); nothing waits for {@code nvidia-smi} but this
 * thread.
 */
final class GpuMonitor implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GpuMonitor.class);
  static final Duration PERIOD = Duration.ofSeconds(10);
  private static final String FIELDS = "index,utilization.gpu,memory.used,memory.total";

  private final NvidiaSmi smi;
  private final String node;
  private final Clock clock;
  private final ScheduledExecutorService timer;
  private volatile List<GpuUsage> last = List.of();

  GpuMonitor(NvidiaSmi smi, String node, Clock clock) {
    this.smi = requireNonNull(smi, "smi is null");
    this.node = requireNonNull(node, "node is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "capstan-gpu-monitor");
              thread.setDaemon(true);
              return thread;
            });
  }

  /** Samples now and then every {@code period}. */
  GpuMonitor start(Duration period) {
    timer.scheduleWithFixedDelay(this::sampleQuietly, 0, period.toMillis(), TimeUnit.MILLISECONDS);
    return this;
  }

  /** The last sample, one entry per GPU; empty before the first. */
  List<GpuUsage> last() {
    return last;
  }

  /** Takes a sample now; keeps the previous one when {@code nvidia-smi} fails. */
  void sample() {
    Instant at = clock.instant();
    smi.query("gpu", FIELDS).ifPresent(output -> last = parse(output, node, at));
  }

  private void sampleQuietly() {
    try {
      sample();
    } catch (RuntimeException e) {
      log.warn("Sampling the GPUs failed; keeping the last sample", e);
    }
  }

  /**
   * Parses lines like {@code 0, 87, 40321, 81559} (percent, MiB, MiB); a device that does not
   * report a field ({@code [N/A]}, {@code [Not Supported]}: MIG instances, some older boards) gets
   * NaN for its utilisation and 0 for its memory.
   */
  static List<GpuUsage> parse(String output, String node, Instant at) {
    List<GpuUsage> usage = new ArrayList<>();
    for (String line : output.lines().map(String::trim).filter(l -> !l.isEmpty()).toList()) {
      String[] fields = line.split(",");
      if (fields.length != 4 || !fields[0].trim().matches("\\d+")) {
        throw new IllegalStateException(
            "Expected nvidia-smi lines of '" + FIELDS + "', but found '" + line + "'");
      }
      double percent = number(fields[1]);
      usage.add(
          new GpuUsage(
              node,
              Integer.parseInt(fields[0].trim()),
              Double.isNaN(percent) ? Double.NaN : percent / 100.0,
              mebibytes(fields[2]),
              mebibytes(fields[3]),
              at));
    }
    return List.copyOf(usage);
  }

  private static double number(String field) {
    String value = field.trim();
    return value.matches("\\d+(\\.\\d+)?") ? Double.parseDouble(value) : Double.NaN;
  }

  private static long mebibytes(String field) {
    double value = number(field);
    return Double.isNaN(value) ? 0 : (long) (value * 1024 * 1024);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
