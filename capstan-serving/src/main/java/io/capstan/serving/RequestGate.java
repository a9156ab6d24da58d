package io.capstan.serving;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Counts the requests in flight and turns new ones away once draining starts, so shutdown can wait
 * for the ones already admitted.
 */
public final class RequestGate {
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition idle = lock.newCondition();
  private int inFlight;
  private volatile boolean draining;

  /** Admits a request (true) unless the server is draining; every admitted one must exit. */
  public boolean tryEnter() {
    lock.lock();
    try {
      if (draining) {
        return false;
      }
      inFlight++;
      return true;
    } finally {
      lock.unlock();
    }
  }

  public void exit() {
    lock.lock();
    try {
      if (--inFlight == 0) {
        idle.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  public boolean draining() {
    return draining;
  }

  /** Stops admitting requests. */
  public void startDrain() {
    draining = true;
  }

  /** Waits until no admitted request is left or the timeout passes; true when none is left. */
  public boolean awaitIdle(Duration timeout) throws InterruptedException {
    long left = timeout.toNanos();
    lock.lock();
    try {
      while (inFlight > 0) {
        if (left <= 0) {
          return false;
        }
        left = idle.awaitNanos(left);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  public int inFlight() {
    lock.lock();
    try {
      return inFlight;
    } finally {
      lock.unlock();
    }
  }

  static Duration seconds(long seconds) {
    return Duration.ofNanos(TimeUnit.SECONDS.toNanos(seconds));
  }
}
