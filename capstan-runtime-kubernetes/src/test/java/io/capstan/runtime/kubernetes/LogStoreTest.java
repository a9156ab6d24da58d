package io.capstan.runtime.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.runtime.ReplicaId;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The control plane's copies of containers' logs: one attempt per replica, the latest. */
class LogStoreTest {
  private static final ReplicaId WORKER = new ReplicaId("job-v", "worker-0");
  private static final Instant AT = Instant.parse("2026-12-07T08:00:00Z");

  @TempDir Path dir;

  @Test
  void anOlderAttemptSeenLateNeitherReplacesNorTouchesTheLatestAttemptsLog() {
    LogStore store = new LogStore(dir);
    store.start(WORKER, 2, AT);
    store.append(WORKER, 2, "kept\n".getBytes(StandardCharsets.UTF_8));

    // The informer shows the first attempt's pod once more while it goes away.
    store.start(WORKER, 1, AT.minusSeconds(60));
    store.append(WORKER, 1, "late\n".getBytes(StandardCharsets.UTF_8));

    assertThat(store.has(WORKER, 1)).isFalse();
    assertThat(text(store, 2)).endsWith("attempt 2 started at " + AT + " ---\nkept\n");
  }

  @Test
  void aLaterAttemptReplacesTheEarlierOnesLog() {
    LogStore store = new LogStore(dir);
    store.start(WORKER, 1, AT);
    store.append(WORKER, 1, "first\n".getBytes(StandardCharsets.UTF_8));

    store.start(WORKER, 2, AT.plusSeconds(60));

    assertThat(store.has(WORKER, 1)).isFalse();
    assertThat(text(store, 2)).doesNotContain("first").contains("attempt 2 started");
  }

  private static String text(LogStore store, int attempt) {
    return new String(
        store.read(WORKER, attempt, 0, 1 << 16).orElseThrow().bytes(), StandardCharsets.UTF_8);
  }
}
