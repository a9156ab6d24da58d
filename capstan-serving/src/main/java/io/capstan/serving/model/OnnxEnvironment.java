package io.capstan.serving.model;

import ai.onnxruntime.OrtEnvironment;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * The process's one ONNX Runtime environment, created on a thread with a large stack. ONNX Runtime
 * 1.29 recurses in proportion to the length of the process's command line while it creates its
 * environment (about 170 bytes of stack per character): on a thread with the JVM's default 1 MiB
 * stack, a command line of some 6,000 characters (a long class path) kills the process with SIGSEGV
 * and no error report. Once created, the environment works from any thread.
 */
public final class OnnxEnvironment {
  /** Reserved, not committed: the pages are only touched as deep as the recursion goes. */
  private static final long INIT_STACK_BYTES = 512L << 20;

  private OnnxEnvironment() {}

  /** The environment, created on first use. */
  public static OrtEnvironment get() {
    return Holder.ENVIRONMENT;
  }

  /** Initialized on first use; {@link #create} must live outside it (see there). */
  private static final class Holder {
    static final OrtEnvironment ENVIRONMENT = create();
  }

  /**
   * Runs on the calling thread during {@code Holder}'s initialization; the task it starts must not
   * belong to {@code Holder}, or the new thread would wait for that initialization to end.
   */
  private static OrtEnvironment create() {
    FutureTask<OrtEnvironment> task = new FutureTask<>(OrtEnvironment::getEnvironment);
    new Thread(null, task, "onnxruntime-init", INIT_STACK_BYTES).start();
    try {
      return task.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting ONNX Runtime", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("ONNX Runtime did not start: " + e.getCause(), e.getCause());
    }
  }
}
