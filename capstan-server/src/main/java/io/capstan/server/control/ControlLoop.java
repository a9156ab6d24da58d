package io.capstan.server.control;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Runs a controller's pass on its own thread: every interval, and at once when woken (after a
 * submission, a cancellation, a change of a service), while this replica leads ({@link
 * Leadership}). A pass that fails is logged and the next one runs after the interval.
 */
public final class ControlLoop implements SmartLifecycle {
  private static final Logger log = LoggerFactory.getLogger(ControlLoop.class);

  private final String name;
  private final Runnable pass;
  private final Duration interval;
  private final Leadership leadership;
  private final Semaphore wakeups = new Semaphore(0);
  private final LoopThread thread;

  /**
   * @param name the thread's name, e.g. {@code capstan-job-controller}
   * @param pass one reconcile pass
   * @param interval the time between passes when nobody wakes the loop
   * @param leadership when passes run: {@link Leadership#ALWAYS} for work every replica does
   *     (serving the API's views), the election's for work only the leader may do
   */
  public ControlLoop(String name, Runnable pass, Duration interval, Leadership leadership) {
    this.name = name;
    this.pass = pass;
    this.interval = interval;
    this.leadership = leadership;
    this.thread = new LoopThread(name);
  }

  /** Asks for a pass now. */
  public void wake() {
    wakeups.release();
  }

  @Override
  public void start() {
    thread.start(this::loop);
  }

  @Override
  public void stop() {
    thread.stop();
  }

  @Override
  public boolean isRunning() {
    return thread.running();
  }

  private void loop() {
    while (thread.running()) {
      try {
        if (!leadership.awaitLeading(interval)) {
          continue;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      try {
        pass.run();
      } catch (RuntimeException e) {
        log.error("{} pass failed; retrying", name, e);
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
