package io.capstan.bench;

import io.capstan.serving.model.OnnxModel;
import io.capstan.serving.model.SessionSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;

/**
 * What one ONNX Runtime call costs depending on what the thread did just before: nothing (back to
 * back, as the serving benchmark's raw row), a pause of 50 us, 200 us or 1 ms, 1 ms of arithmetic
 * that touches no memory, or a sweep over 4 MiB of memory. A server at concurrency 1 makes every
 * call after a pause (the request's round trip), so this is the floor it can reach, not the raw
 * row.
 *
 * <p>Run from the repository root: {@code ./mvnw -q -pl bench -am -DskipTests compile exec:java
 * -Dexec.mainClass=io.capstan.bench.ModelWarmthBench} (options: {@code --calls 4000}, {@code
 * --rounds 3}).
 */
public final class ModelWarmthBench {
  private static final byte[] SWEPT = new byte[4 << 20];
  private static long sink;

  private enum Before {
    NOTHING("back to back"),
    PARK_50US("park 50 us"),
    PARK_200US("park 200 us"),
    SLEEP_1MS("sleep 1 ms"),
    ARITHMETIC_1MS("1 ms of arithmetic"),
    SWEEP_4MIB("sweep 4 MiB");

    private final String label;

    Before(String label) {
      this.label = label;
    }

    void run() throws InterruptedException {
      switch (this) {
        case NOTHING -> {}
        case PARK_50US -> LockSupport.parkNanos(50_000);
        case PARK_200US -> LockSupport.parkNanos(200_000);
        case SLEEP_1MS -> Thread.sleep(1);
        case ARITHMETIC_1MS -> {
          long end = System.nanoTime() + 1_000_000;
          long x = 1;
          while (System.nanoTime() < end) {
            for (int k = 0; k < 64; k++) {
              x = x * 6364136223846793005L + 1442695040888963407L;
            }
          }
          sink += x;
        }
        case SWEEP_4MIB -> {
          for (int k = 0; k < SWEPT.length; k += 64) {
            SWEPT[k]++;
          }
        }
      }
    }
  }

  private ModelWarmthBench() {}

  public static void main(String[] args) throws Exception {
    int calls = CommandLine.intValue(args, "--calls", 4000);
    int rounds = CommandLine.intValue(args, "--rounds", 3);
    Path home = TrainedMlp.home();
    Path work = Files.createTempDirectory("capstan-warmth-bench");
    TrainedMlp.train(home, work);
    List<ServingPayload> payloads = new ArrayList<>(List.of(TrainedMlp.payload()));
    List<Path> files = new ArrayList<>(List.of(work.resolve("output/model.onnx")));
    Path lcbench = LcbenchModel.find();
    if (lcbench != null) {
      payloads.add(LcbenchModel.payload());
      files.add(lcbench);
    }
    payloads.add(RankerModel.payload());
    files.add(RankerModel.export(home, work));

    StringBuilder header = new StringBuilder("| model | round |");
    StringBuilder rule = new StringBuilder("|---|---:|");
    for (Before before : Before.values()) {
      header.append(" after ").append(before.label).append(" p50 us | p95 |");
      rule.append("---:|---:|");
    }
    List<String> lines = new ArrayList<>();
    for (int m = 0; m < payloads.size(); m++) {
      ServingPayload payload = payloads.get(m);
      int modelCalls = payload.model().equals("ranker") ? Math.max(1, calls / 10) : calls;
      try (OnnxModel model = OnnxModel.load(files.get(m), new SessionSettings(1, 1))) {
        for (int i = 0; i < modelCalls; i++) {
          model.run(payload.inputs(), payload.outputs()); // JIT and ONNX Runtime's first runs
        }
        for (int round = 1; round <= rounds; round++) {
          StringBuilder line = new StringBuilder("| " + payload.model() + " | " + round + " |");
          for (Before before : Before.values()) {
            long[] latencies = new long[modelCalls];
            for (int i = 0; i < latencies.length; i++) {
              before.run();
              long t0 = System.nanoTime();
              model.run(payload.inputs(), payload.outputs());
              latencies[i] = System.nanoTime() - t0;
            }
            LoadRun.Result result = LoadRun.result(latencies, Double.NaN);
            line.append(String.format(Locale.ROOT, " %.1f | %.1f |", result.p50(), result.p95()));
          }
          lines.add(line.toString());
        }
      }
    }
    System.out.println(header);
    System.out.println(rule);
    lines.forEach(System.out::println);
  }
}
