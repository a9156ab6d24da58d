package io.capstan.serving.batching;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.serving.ServingException;
import io.capstan.serving.model.DataType;
import io.capstan.serving.model.InferenceRequest;
import io.capstan.serving.model.InferenceResult;
import io.capstan.serving.model.ModelRunner;
import io.capstan.serving.model.Tensor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The batcher's merging rules, with a model that doubles its input and a gate that holds the first
 * run, so that requests queue behind it deterministically.
 */
class DynamicBatcherTest {
  private final List<Integer> runs = new CopyOnWriteArrayList<>();
  private final CountDownLatch release = new CountDownLatch(1);
  private final CountDownLatch firstRunStarted = new CountDownLatch(1);
  private DynamicBatcher batcher;
  private volatile int inFlight = 100; // as if many clients were sending

  /** Doubles "x"; the first run waits until {@link #release} opens. */
  private final ModelRunner doubling =
      (inputs, outputs) -> {
        Tensor x = inputs.get(0);
        runs.add((int) x.rows());
        if (runs.size() == 1) {
          firstRunStarted.countDown();
          await(release);
        }
        float[] in = (float[]) x.data();
        float[] out = new float[in.length];
        for (int i = 0; i < in.length; i++) {
          out[i] = in[i] * 2;
        }
        return List.of(new Tensor("y", DataType.FP32, x.shape(), out));
      };

  @AfterEach
  void close() {
    release.countDown();
    if (batcher != null) {
      batcher.close();
    }
  }

  private DynamicBatcher batcher(BatchingOptions options) {
    batcher =
        new DynamicBatcher("test", doubling, options, nanos -> {}, rows -> {}, () -> inFlight);
    return batcher;
  }

  private static InferenceRequest rows(float first, int rows, int width) {
    float[] data = new float[rows * width];
    for (int i = 0; i < data.length; i++) {
      data[i] = first + i;
    }
    return new InferenceRequest(
        "", List.of(new Tensor("x", DataType.FP32, new long[] {rows, width}, data)), List.of("y"));
  }

  /** Starts the first request on its own thread; it runs inline and blocks in the model. */
  private CompletableFuture<InferenceResult> blockFirstRun(DynamicBatcher batcher)
      throws InterruptedException {
    CompletableFuture<InferenceResult> first =
        CompletableFuture.supplyAsync(() -> batcher.submit(rows(0, 1, 2)).join());
    assertThat(firstRunStarted.await(10, TimeUnit.SECONDS)).isTrue();
    return first;
  }

  @Test
  void aLoneRequestRunsAtOnceOnTheCallersThread() throws Exception {
    DynamicBatcher batcher =
        batcher(new BatchingOptions(32, TimeUnit.SECONDS.toMicros(10), List.of()));
    release.countDown();
    long start = System.nanoTime();
    InferenceResult result = batcher.submit(rows(1, 1, 2)).get(1, TimeUnit.SECONDS);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
    assertThat((float[]) result.outputs().get(0).data()).containsExactly(2, 4);
    assertThat(runs).containsExactly(1);
  }

  @Test
  void requestsQueuedBehindARunAreMergedAndEachGetsItsOwnRows() throws Exception {
    DynamicBatcher batcher = batcher(new BatchingOptions(32, 0, List.of()));
    CompletableFuture<InferenceResult> first = blockFirstRun(batcher);
    List<CompletableFuture<InferenceResult>> queued = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      queued.add(batcher.submit(rows(100 * (i + 1), i % 2 + 1, 2))); // 1 or 2 rows each
    }
    release.countDown();
    assertThat((float[]) first.get(10, TimeUnit.SECONDS).outputs().get(0).data())
        .containsExactly(0, 2);
    for (int i = 0; i < 5; i++) {
      Tensor y = queued.get(i).get(10, TimeUnit.SECONDS).outputs().get(0);
      int rows = i % 2 + 1;
      float base = 100 * (i + 1);
      assertThat(y.shape()).containsExactly(rows, 2);
      float[] expected = new float[rows * 2];
      for (int j = 0; j < expected.length; j++) {
        expected[j] = (base + j) * 2;
      }
      assertThat((float[]) y.data()).containsExactly(expected);
    }
    assertThat(runs).containsExactly(1, 7); // the five queued requests (7 rows) ran as one batch
  }

  @Test
  void batchesStopAtTheMaximumSize() throws Exception {
    DynamicBatcher batcher = batcher(new BatchingOptions(4, 0, List.of()));
    CompletableFuture<InferenceResult> first = blockFirstRun(batcher);
    List<CompletableFuture<InferenceResult>> queued = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      queued.add(batcher.submit(rows(i, 1, 2)));
    }
    release.countDown();
    first.get(10, TimeUnit.SECONDS);
    for (CompletableFuture<InferenceResult> future : queued) {
      future.get(10, TimeUnit.SECONDS);
    }
    assertThat(runs).containsExactly(1, 4, 4, 2);
  }

  @Test
  void requestsWithOtherShapesAreNotMerged() throws Exception {
    DynamicBatcher batcher = batcher(new BatchingOptions(32, 0, List.of()));
    CompletableFuture<InferenceResult> first = blockFirstRun(batcher);
    CompletableFuture<InferenceResult> narrow = batcher.submit(rows(0, 1, 2));
    CompletableFuture<InferenceResult> wide = batcher.submit(rows(0, 1, 3));
    CompletableFuture<InferenceResult> narrow2 = batcher.submit(rows(0, 1, 2));
    release.countDown();
    first.get(10, TimeUnit.SECONDS);
    assertThat(wide.get(10, TimeUnit.SECONDS).outputs().get(0).shape()).containsExactly(1, 3);
    narrow.get(10, TimeUnit.SECONDS);
    narrow2.get(10, TimeUnit.SECONDS);
    assertThat(runs).containsExactly(1, 2, 1);
  }

  @Test
  void aPreferredSizeRunsWithoutWaitingForTheDelay() throws Exception {
    DynamicBatcher batcher =
        batcher(new BatchingOptions(32, TimeUnit.SECONDS.toMicros(30), List.of(3)));
    CompletableFuture<InferenceResult> first = blockFirstRun(batcher);
    List<CompletableFuture<InferenceResult>> queued = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      queued.add(batcher.submit(rows(i, 1, 2)));
    }
    release.countDown();
    first.get(10, TimeUnit.SECONDS);
    for (CompletableFuture<InferenceResult> future : queued) {
      future.get(10, TimeUnit.SECONDS); // far less than the 30 s delay
    }
    assertThat(runs).containsExactly(1, 3);
  }

  @Test
  void underConcurrentLoadAPartialBatchWaitsForTheDelay() throws Exception {
    DynamicBatcher batcher = batcher(new BatchingOptions(32, 300_000, List.of()));
    CompletableFuture<InferenceResult> first = blockFirstRun(batcher);
    CompletableFuture<InferenceResult> a = batcher.submit(rows(0, 1, 2));
    CompletableFuture<InferenceResult> b = batcher.submit(rows(0, 1, 2));
    release.countDown();
    first.get(10, TimeUnit.SECONDS);
    a.get(10, TimeUnit.SECONDS);
    b.get(10, TimeUnit.SECONDS);
    // Two requests ran together: that is load, so the next lone request waits up to 300 ms.
    long start = System.nanoTime();
    batcher.submit(rows(0, 1, 2)).get(10, TimeUnit.SECONDS);
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(Duration.ofMillis(250));
    assertThat(runs).containsExactly(1, 2, 1);
  }

  @Test
  void aPartialBatchDoesNotWaitWhenNoOtherRequestIsInFlight() throws Exception {
    DynamicBatcher batcher =
        batcher(new BatchingOptions(32, TimeUnit.SECONDS.toMicros(30), List.of()));
    CompletableFuture<InferenceResult> first = blockFirstRun(batcher);
    CompletableFuture<InferenceResult> a = batcher.submit(rows(0, 1, 2));
    CompletableFuture<InferenceResult> b = batcher.submit(rows(0, 1, 2));
    inFlight = 2; // a and b, and nobody else: waiting cannot fill their batch
    release.countDown();
    first.get(10, TimeUnit.SECONDS);
    a.get(10, TimeUnit.SECONDS); // far less than the 30 s delay
    b.get(10, TimeUnit.SECONDS);
    assertThat(runs).containsExactly(1, 2);
  }

  @Test
  void closeRunsWhatIsQueuedAndRefusesNewRequests() throws Exception {
    DynamicBatcher batcher =
        batcher(new BatchingOptions(32, TimeUnit.SECONDS.toMicros(30), List.of()));
    CompletableFuture<InferenceResult> first = blockFirstRun(batcher);
    CompletableFuture<InferenceResult> queued = batcher.submit(rows(5, 1, 2));
    CompletableFuture<Void> closing = CompletableFuture.runAsync(batcher::close);
    release.countDown();
    closing.get(10, TimeUnit.SECONDS);
    first.get(10, TimeUnit.SECONDS);
    assertThat((float[]) queued.get(10, TimeUnit.SECONDS).outputs().get(0).data())
        .containsExactly(10, 12);
    assertThatThrownBy(() -> batcher.submit(rows(0, 1, 2)).get(1, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(ServingException.class)
        .hasMessageContaining("shutting down");
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException(new TimeoutException("the test never released the run"));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
