package io.capstan.server.serving;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Runs {@link ServingReconciler#runOnce} on its own thread every interval, or sooner when woken.
 */
final class ServingControlLoop implements SmartLifecycle {
  private static final Logger log = LoggerFactory.getLogger(ServingControlLoop.class);

  private final Runnable pass;
  private final Duration interval;
  private final Semaphore wakeups = new Semaphore(0);
  private volatile boolean running;
  private Thread thread;

  ServingControlLoop(Runnable pass, Duration interval) {
    this.pass = pass;
    this.interval = interval;
  }

  void wake() {
    wakeups.release();
  }

  @Override
  public void start() {
    running = true;
    thread = new Thread(this::loop, "capstan-serving-controller");
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void stop() {
    running = false;
    Thread current = thread;
    if (current != null) {
      current.interrupt();
      try {
        current.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  private void loop() {
    while (running) {
      try {
        pass.run();
      } catch (RuntimeException e) {
        log.error("Serving controller pass failed; retrying", e);
      }
      try {
        if (wakeups.tryAcquire(interval.toMillis(), TimeUnit.MILLISECONDS)) {
          wakeups.drainPermits();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
