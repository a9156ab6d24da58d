package io.capstan.server.control;

/**
 * The thread of a controller loop: started once, asked to stop by an interrupt and joined for at
 * most five seconds, so a stopping server never waits long for a pass that hangs.
 */
public final class LoopThread {
  private final String name;
  private volatile boolean running;
  private Thread thread;

  public LoopThread(String name) {
    this.name = name;
  }

  /** Starts {@code body}, which runs until {@link #running()} turns false or it is interrupted. */
  public void start(Runnable body) {
    running = true;
    thread = new Thread(body, name);
    thread.setDaemon(true);
    thread.start();
  }

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

  public boolean running() {
    return running;
  }
}
