package io.capstan.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.api.audit.AuditOutcome;
import io.capstan.server.store.TestingDatabase;
import java.time.Instant;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The audit log's store on embedded H2 and on a real PostgreSQL. */
class AuditStoreTest {
  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

  static Stream<TestingDatabase> databases() {
    return TestingDatabase.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void eventsRoundTripAndAreFilteredNewestFirst(TestingDatabase db) {
    AuditStore store = new AuditStore(db.jdbc());
    AuditEvent created = event(T0, "alice", "vision", "job", "train", "create", 201);
    AuditEvent submit =
        new AuditEvent(
            null,
            created.at(),
            created.actor(),
            created.authMethod(),
            created.remoteAddress(),
            created.method(),
            created.path(),
            created.project(),
            created.objectKind(),
            created.objectName(),
            created.action(),
            created.outcome(),
            created.status(),
            null,
            null,
            "{\"phase\":\"Queued\"}",
            "{\"uid\":\"u1\",\"phase\":\"Queued\"}");
    store.append(submit);
    store.append(event(T0.plusSeconds(60), "alice", "vision", "job", "train", "cancel", 200));
    store.append(event(T0.plusSeconds(120), "bob", "vision", "job", null, "create", 404));
    store.append(event(T0.plusSeconds(180), "admin", "nlp", "quota", "nlp", "set", 200));
    store.append(event(T0.plusSeconds(240), "admin", null, "user", "carol", "create", 201));

    AuditStore.Page all = store.query(AuditQuery.all(10));
    assertThat(all.events())
        .extracting(AuditEvent::action)
        .containsExactly("create", "set", "create", "cancel", "create");
    assertThat(all.nextBefore()).isNull();
    AuditEvent oldest = all.events().get(4);
    assertThat(oldest).usingRecursiveComparison().ignoringFields("id").isEqualTo(submit);
    assertThat(oldest.id()).isNotNull();

    assertThat(names(store, query(Set.of("vision"), null, null, null))).hasSize(3);
    assertThat(names(store, query(null, "bob", null, null)))
        .singleElement()
        .satisfies(e -> assertThat(e.outcome()).isEqualTo(AuditOutcome.REFUSED));
    assertThat(names(store, query(null, null, AuditOutcome.ALLOWED, "job"))).hasSize(2);
    assertThat(names(store, query(Set.of(), null, null, null))).isEmpty();
    assertThat(
            store
                .query(
                    new AuditQuery(
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        T0.plusSeconds(60),
                        T0.plusSeconds(180),
                        null,
                        10))
                .events())
        .extracting(AuditEvent::actor)
        .containsExactly("bob", "alice");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void pagesFollowTheCursorAndRetentionDeletesOnlyOldEvents(TestingDatabase db) {
    AuditStore store = new AuditStore(db.jdbc());
    for (int i = 0; i < 5; i++) {
      store.append(event(T0.plusSeconds(i), "alice", "vision", "job", "j" + i, "create", 201));
    }

    AuditStore.Page first = store.query(AuditQuery.all(2));
    AuditStore.Page second =
        store.query(
            new AuditQuery(null, null, null, null, null, null, null, null, first.nextBefore(), 2));
    AuditStore.Page last =
        store.query(
            new AuditQuery(null, null, null, null, null, null, null, null, second.nextBefore(), 2));

    assertThat(first.events()).extracting(AuditEvent::objectName).containsExactly("j4", "j3");
    assertThat(second.events()).extracting(AuditEvent::objectName).containsExactly("j2", "j1");
    assertThat(last.events()).extracting(AuditEvent::objectName).containsExactly("j0");
    assertThat(last.nextBefore()).isNull();

    assertThat(store.deleteOlderThan(T0.plusSeconds(3))).isEqualTo(3);
    assertThat(store.query(AuditQuery.all(10)).events())
        .extracting(AuditEvent::objectName)
        .containsExactly("j4", "j3");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void longTextsAreCutToTheirColumns(TestingDatabase db) {
    AuditStore store = new AuditStore(db.jdbc());
    String longName = "n".repeat(300);
    String longProject = "p".repeat(100);

    store.append(event(T0, "alice", longProject, "job", longName, "delete", 404));

    AuditEvent stored = store.query(AuditQuery.all(1)).events().get(0);
    assertThat(stored.objectName()).hasSize(256).endsWith("...");
    assertThat(stored.project()).hasSize(64);
  }

  private static java.util.List<AuditEvent> names(AuditStore store, AuditQuery query) {
    return store.query(query).events();
  }

  private static AuditQuery query(
      Set<String> visible, String actor, AuditOutcome outcome, String kind) {
    return new AuditQuery(visible, null, actor, null, kind, outcome, null, null, null, 10);
  }

  static AuditEvent event(
      Instant at,
      String actor,
      String project,
      String kind,
      String name,
      String action,
      int status) {
    return new AuditEvent(
        null,
        at,
        actor,
        "token",
        "127.0.0.1",
        "POST",
        "/api/v1/projects/" + project + "/jobs",
        project,
        kind,
        name,
        action,
        AuditOutcome.of(status),
        status,
        status >= 400 ? "NOT_FOUND" : null,
        status >= 400 ? "Project '" + project + "' not found" : null,
        null,
        null);
  }
}
