package io.capstan.server.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import io.capstan.api.image.ImageEnvironment;
import io.capstan.runtime.testing.InMemoryRuntime;
import io.capstan.server.audit.AuditNote;
import io.capstan.server.identity.Access;
import io.capstan.server.identity.Caller;
import io.capstan.server.identity.ProjectStore;
import io.capstan.server.identity.Revocations;
import io.capstan.server.store.TestingDatabase;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** On a runtime of real images there is no image map: every verb says so with 404. */
class ImageMapControllerTest {
  @Test
  void aRuntimeWithoutAnImageMapAnswersThatItsImagesAreReal() {
    TestingDatabase db = TestingDatabase.h2();
    ImageMapController controller =
        new ImageMapController(
            new InMemoryRuntime(),
            new Access(
                new ProjectStore(
                    db.jdbc(), db.transactions(), Clock.systemUTC(), new Revocations())));
    Caller admin = new Caller("admin", true);
    ImageEnvironment entry =
        new ImageEnvironment("team/*", null, Map.of(), null, List.of(), List.of(), Map.of(), null);

    for (Runnable call :
        List.<Runnable>of(
            () -> controller.list(new Caller("alice", false), null),
            () -> controller.set(admin, new AuditNote(), entry),
            () -> controller.delete(admin, new AuditNote(), "team/*"))) {
      assertThatThrownBy(call::run)
          .isInstanceOfSatisfying(
              CapstanException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND))
          .hasMessageContaining("runs real images");
    }
  }
}
