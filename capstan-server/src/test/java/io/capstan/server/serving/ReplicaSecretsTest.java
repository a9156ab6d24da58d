package io.capstan.server.serving;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Per-replica secrets: stable across restarts, distinct per job, the key kept 0600. */
class ReplicaSecretsTest {
  @TempDir Path dataDir;

  @Test
  void aSecretIsDerivedPerJobAndSurvivesARestart() throws Exception {
    ReplicaSecrets first = ReplicaSecrets.inDataDir(dataDir);
    String a = first.secret("churn-v1-abcde-uid");

    assertThat(a).hasSize(64).isNotEqualTo(first.secret("churn-v1-fghij-uid"));
    assertThat(ReplicaSecrets.inDataDir(dataDir).secret("churn-v1-abcde-uid")).isEqualTo(a);
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dataDir.resolve("serving.key"))))
        .isEqualTo("rw-------");
    assertThat(first.toString())
        .doesNotContain(Files.readString(dataDir.resolve("serving.key")).trim());
  }

  @Test
  void anotherInstallationDerivesOtherSecrets(@TempDir Path other) {
    assertThat(ReplicaSecrets.inDataDir(other).secret("job"))
        .isNotEqualTo(ReplicaSecrets.inDataDir(dataDir).secret("job"));
  }
}
