package io.capstan.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.netty.util.internal.logging.JdkLoggerFactory;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Netty's leak detector at its paranoid level (every buffer tracked) while a test runs, and the
 * leaks it reports: a buffer that was garbage-collected without being released. Netty reports them
 * through java.util.logging here (no SLF4J on the test class path).
 */
public final class NettyLeakWatch implements AutoCloseable {
  private final ResourceLeakDetector.Level previous = ResourceLeakDetector.getLevel();
  private final Logger logger = Logger.getLogger(ResourceLeakDetector.class.getName());
  private final List<String> leaks = new CopyOnWriteArrayList<>();
  private final Handler handler =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          if (record.getMessage() != null && record.getMessage().contains("LEAK")) {
            leaks.add(record.getMessage());
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  public NettyLeakWatch() {
    assertThat(InternalLoggerFactory.getDefaultFactory())
        .as("the leak watch reads Netty's java.util.logging output")
        .isInstanceOf(JdkLoggerFactory.class);
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    logger.addHandler(handler);
  }

  /**
   * Collects garbage and allocates tracked buffers (the detector reports when a buffer is allocated
   * after a leaked one was collected), then checks that nothing was reported.
   */
  public void assertNoLeaks() throws InterruptedException {
    for (int i = 0; i < 20 && leaks.isEmpty(); i++) {
      System.gc();
      Thread.sleep(20);
      for (int j = 0; j < 100; j++) {
        ByteBufAllocator.DEFAULT.buffer(64).release();
        ByteBufAllocator.DEFAULT.directBuffer(64).release();
      }
    }
    assertThat(leaks).as("buffers never released").isEmpty();
  }

  @Override
  public void close() {
    logger.removeHandler(handler);
    ResourceLeakDetector.setLevel(previous);
  }
}
