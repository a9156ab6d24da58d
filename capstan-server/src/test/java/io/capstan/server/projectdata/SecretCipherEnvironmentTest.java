package io.capstan.server.projectdata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The secrets key from {@code CAPSTAN_SECRETS_KEY}, shared by control-plane replicas. */
class SecretCipherEnvironmentTest {
  @Test
  void twoReplicasWithTheSameKeyReadEachOthersSecrets() {
    String key = Base64.getEncoder().encodeToString(new byte[32]).replace('A', 'B');

    String sealed =
        SecretCipher.ofEnvironment(key).encrypt("s3cr3t".getBytes(StandardCharsets.UTF_8), "aad");

    assertThat(SecretCipher.ofEnvironment(key + "\n").decrypt(sealed, "aad"))
        .asString(StandardCharsets.UTF_8)
        .isEqualTo("s3cr3t");
  }

  @Test
  void aKeyOfTheWrongSizeIsRefusedNamingTheVariable() {
    String short16 = Base64.getEncoder().encodeToString(new byte[16]);

    assertThatThrownBy(() -> SecretCipher.ofEnvironment(short16))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Expected CAPSTAN_SECRETS_KEY to hold a base64 AES key of 32 bytes")
        .hasMessageNotContaining(short16);
  }
}
