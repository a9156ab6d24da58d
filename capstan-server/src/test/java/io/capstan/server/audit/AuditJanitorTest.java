package io.capstan.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.server.control.Leadership;
import io.capstan.server.store.TestingDatabase;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The retention janitor on a fixed clock, against a real H2 store. */
class AuditJanitorTest {
  private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");

  @Test
  void deletesEventsOlderThanTheRetentionAndKeepsTheRest() {
    AuditStore store = new AuditStore(TestingDatabase.h2().jdbc());
    Instant edge = NOW.minus(Duration.ofDays(90));
    store.append(AuditStoreTest.event(edge.minusMillis(1), "a", "p", "job", "old", "create", 201));
    store.append(AuditStoreTest.event(edge, "a", "p", "job", "edge", "create", 201));
    store.append(AuditStoreTest.event(NOW, "a", "p", "job", "new", "create", 201));
    AuditJanitor janitor =
        new AuditJanitor(
            store, new AuditConfig(null), Clock.fixed(NOW, ZoneOffset.UTC), Leadership.ALWAYS);

    assertThat(janitor.runOnce()).isEqualTo(1);
    assertThat(janitor.runOnce()).isZero();

    assertThat(store.query(AuditQuery.all(10)).events())
        .extracting(AuditEvent::objectName)
        .containsExactly("new", "edge");
  }
}
