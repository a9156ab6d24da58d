package io.capstan.serving.batching;

import io.capstan.serving.ErrorKind;
import io.capstan.serving.ServingException;
import io.capstan.serving.model.InferenceExecutor;
import io.capstan.serving.model.InferenceRequest;
import io.capstan.serving.model.InferenceResult;
import io.capstan.serving.model.ModelRunner;
import io.capstan.serving.model.Tensor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;
import java.util.function.IntSupplier;
import java.util.function.LongConsumer;

/**
 * Merges concurrent requests to one model version into one run along the first dimension, and gives
 * every caller its own rows back.
 *
 * <p>One batch runs at a time per model. Requests that arrive while one runs queue up and form the
 * next batch, up to the maximum batch size. A batch that is neither full nor of a preferred size
 * waits for more requests up to the maximum queue delay after its oldest request arrived, but only
 * when there is evidence of concurrent load (the last batch or this one holds more than one
 * request) and more requests are in flight in the server than are already queued or batched (a
 * closed-loop client waiting for this batch's answer will not send another before it): a lone
 * caller with nobody to merge with runs at once, on its own thread, so batching costs nothing at
 * concurrency 1. Only requests with the same datatypes, non-batch dimensions and requested outputs
 * are merged.
 */
public final class DynamicBatcher implements InferenceExecutor {
  private static final long POLL_NANOS = 50_000;

  private final ModelRunner model;
  private final BatchingOptions options;
  private final LongConsumer queueNanos;
  private final IntConsumer batchRows;
  private final IntSupplier inFlight;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private final Thread worker;
  private boolean busy;
  private boolean closed;
  private int lastBatchRequests;

  /**
   * {@code queueNanos} hears each request's time in the queue; {@code batchRows} each run's rows;
   * {@code inFlight} counts the requests the server has started receiving and not yet answered.
   */
  public DynamicBatcher(
      String name,
      ModelRunner model,
      BatchingOptions options,
      LongConsumer queueNanos,
      IntConsumer batchRows,
      IntSupplier inFlight) {
    this.model = model;
    this.options = options;
    this.queueNanos = queueNanos;
    this.batchRows = batchRows;
    this.inFlight = inFlight;
    this.worker = new Thread(this::work, "batcher-" + name);
    worker.setDaemon(true);
    worker.start();
  }

  private record Pending(
      InferenceRequest request,
      int rows,
      long enqueuedNanos,
      CompletableFuture<InferenceResult> future) {
    boolean mergesWith(Pending other) {
      if (!request.requestedOutputs().equals(other.request.requestedOutputs())) {
        return false;
      }
      List<Tensor> mine = request.inputs();
      List<Tensor> theirs = other.request.inputs();
      for (int i = 0; i < mine.size(); i++) {
        long[] a = mine.get(i).shape();
        long[] b = theirs.get(i).shape();
        if (a.length != b.length || mine.get(i).datatype() != theirs.get(i).datatype()) {
          return false;
        }
        for (int d = 1; d < a.length; d++) {
          if (a[d] != b[d]) {
            return false;
          }
        }
      }
      return true;
    }
  }

  @Override
  public CompletableFuture<InferenceResult> submit(InferenceRequest request) {
    int rows = (int) request.inputs().get(0).rows();
    lock.lock();
    try {
      if (closed) {
        return CompletableFuture.failedFuture(
            new ServingException(ErrorKind.UNAVAILABLE, "the model is shutting down"));
      }
      if (busy || !queue.isEmpty() || lastBatchRequests > 1) {
        Pending pending = new Pending(request, rows, System.nanoTime(), new CompletableFuture<>());
        queue.add(pending);
        changed.signalAll();
        return pending.future;
      }
      busy = true; // nobody to merge with: run on the caller's thread
    } finally {
      lock.unlock();
    }
    try {
      queueNanos.accept(0);
      batchRows.accept(rows);
      return CompletableFuture.completedFuture(
          new InferenceResult(model.run(request.inputs(), request.requestedOutputs())));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    } finally {
      finished(1);
    }
  }

  private void finished(int requests) {
    lock.lock();
    try {
      busy = false;
      lastBatchRequests = requests;
      if (!queue.isEmpty()) {
        changed.signalAll(); // waking an idle worker for nothing costs a context switch per call
      }
    } finally {
      lock.unlock();
    }
  }

  private void work() {
    while (true) {
      List<Pending> batch;
      try {
        batch = nextBatch();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (batch == null) {
        return;
      }
      try {
        run(batch);
      } finally {
        finished(batch.size());
      }
    }
  }

  /** Waits for work and forms a batch; null once closed and empty. */
  private List<Pending> nextBatch() throws InterruptedException {
    lock.lock();
    try {
      while ((queue.isEmpty() || busy) && !closed) {
        changed.await();
      }
      if (queue.isEmpty()) {
        return null;
      }
      busy = true;
      List<Pending> batch = new ArrayList<>();
      int rows = take(batch, 0);
      boolean concurrent = lastBatchRequests > 1 || batch.size() > 1;
      long deadline = batch.get(0).enqueuedNanos + options.maxQueueDelayMicros() * 1000;
      while (concurrent && !closed && !options.full(rows) && moreComing(batch)) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        // Answers leaving the server do not signal: look again at least every 50 us.
        changed.awaitNanos(Math.min(left, POLL_NANOS));
        rows = take(batch, rows);
      }
      return batch;
    } finally {
      lock.unlock();
    }
  }

  /** True when the server holds requests that are neither queued nor in this batch. */
  private boolean moreComing(List<Pending> batch) {
    return inFlight.getAsInt() > batch.size() + queue.size();
  }

  /** Moves queued requests that merge with the batch into it, up to the maximum rows. */
  private int take(List<Pending> batch, int rows) {
    for (Iterator<Pending> it = queue.iterator(); it.hasNext(); ) {
      Pending next = it.next();
      if (batch.isEmpty()) {
        batch.add(next);
        it.remove();
        rows = next.rows;
        continue;
      }
      if (rows + next.rows > options.maxBatchSize() || options.full(rows)) {
        break;
      }
      if (next.mergesWith(batch.get(0))) {
        batch.add(next);
        it.remove();
        rows += next.rows;
      }
    }
    return rows;
  }

  private void run(List<Pending> batch) {
    long now = System.nanoTime();
    int rows = 0;
    for (Pending pending : batch) {
      queueNanos.accept(now - pending.enqueuedNanos);
      rows += pending.rows;
    }
    batchRows.accept(rows);
    try {
      List<Tensor> outputs = model.run(stack(batch), batch.get(0).request.requestedOutputs());
      split(batch, outputs, rows);
    } catch (RuntimeException e) {
      for (Pending pending : batch) {
        pending.future.completeExceptionally(e);
      }
    }
  }

  private static List<Tensor> stack(List<Pending> batch) {
    List<Tensor> first = batch.get(0).request.inputs();
    if (batch.size() == 1) {
      return first;
    }
    List<Tensor> stacked = new ArrayList<>(first.size());
    for (int i = 0; i < first.size(); i++) {
      List<Tensor> parts = new ArrayList<>(batch.size());
      for (Pending pending : batch) {
        parts.add(pending.request.inputs().get(i));
      }
      stacked.add(Tensor.concat(parts));
    }
    return stacked;
  }

  private static void split(List<Pending> batch, List<Tensor> outputs, int rows) {
    if (batch.size() == 1) {
      batch.get(0).future.complete(new InferenceResult(outputs));
      return;
    }
    for (Tensor output : outputs) {
      if (output.rows() != rows) {
        throw new ServingException(
            ErrorKind.INTERNAL,
            "output '"
                + output.name()
                + "' has "
                + output.rows()
                + " rows for "
                + rows
                + " inputs");
      }
    }
    int from = 0;
    for (Pending pending : batch) {
      List<Tensor> mine = new ArrayList<>(outputs.size());
      for (Tensor output : outputs) {
        mine.add(output.slice(from, pending.rows));
      }
      from += pending.rows;
      pending.future.complete(new InferenceResult(mine));
    }
  }

  /** Runs what is queued without waiting for more, then stops the worker. */
  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    try {
      worker.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
