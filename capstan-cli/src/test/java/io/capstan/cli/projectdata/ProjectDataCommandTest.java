package io.capstan.cli.projectdata;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.cli.ExitCodes;
import io.capstan.cli.TestingApiServer;
import io.capstan.cli.TestingCli;
import io.capstan.cli.TestingCli.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code capstan secret|configmap ...} sends, prints, and refuses before sending. */
class ProjectDataCommandTest {
  private static final String SECRETS = "/api/v1/projects/default/secrets";
  private static final String CONFIG_MAPS = "/api/v1/projects/default/configmaps";
  private static final String SECRET_VIEW =
      "{\"project\":\"default\",\"name\":\"db\",\"keys\":{\"password\":6,\"tls.key\":3},"
          + "\"createdAt\":\"2026-01-01T00:00:00Z\",\"updatedAt\":\"2026-01-01T00:00:00Z\","
          + "\"updatedBy\":\"alice\",\"resourceVersion\":1}";
  private static final String CONFIG_MAP_VIEW =
      "{\"project\":\"default\",\"name\":\"settings\",\"data\":{\"mode\":\"fast\"},"
          + "\"createdAt\":\"2026-01-01T00:00:00Z\",\"updatedAt\":\"2026-01-01T00:00:00Z\","
          + "\"updatedBy\":\"alice\",\"resourceVersion\":2}";

  @TempDir Path temp;

  private final TestingApiServer server = TestingApiServer.start();

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void aSecretFromLiteralsAndFilesSendsLiteralsAsTextAndFilesAsBase64() throws Exception {
    server.respond("POST", SECRETS, 201, SECRET_VIEW);
    Path key = Files.write(temp.resolve("tls.key"), new byte[] {0, 1, 2});

    Result result =
        TestingCli.against(server, temp)
            .run(
                "secret",
                "create",
                "db",
                "--from-literal",
                "password=a=b c",
                "--from-file",
                key.toString());

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out().trim()).isEqualTo("secret/db created (2 keys, resourceVersion 1)");
    assertThat(server.lastRequest().body())
        .isEqualTo(
            "{\"name\":\"db\",\"data\":{\"tls.key\":\"AAEC\"},"
                + "\"stringData\":{\"password\":\"a=b c\"}}");
  }

  @Test
  void aKubernetesSecretDocumentIsSentWithItsDataAndStringData() throws Exception {
    server.respond("POST", SECRETS, 201, SECRET_VIEW);
    Path file =
        Files.writeString(
            temp.resolve("secret.yaml"),
            """
            # from the cluster
            ---
            apiVersion: v1
            kind: Secret
            metadata:
              name: db
              namespace: team-a
            type: Opaque
            data:
              user: cm9vdA==
            stringData:
              password: hunter2
            """);

    Result result = TestingCli.against(server, temp).run("secret", "create", "-f", file.toString());

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(server.lastRequest().body())
        .isEqualTo(
            "{\"name\":\"db\",\"data\":{\"user\":\"cm9vdA==\"},"
                + "\"stringData\":{\"password\":\"hunter2\"}}");
  }

  @Test
  void aConfigMapFromStdinAndItsReplaceGoToTheirPaths() {
    server.respond("POST", CONFIG_MAPS, 201, CONFIG_MAP_VIEW);
    server.respond("PUT", CONFIG_MAPS + "/settings", 200, CONFIG_MAP_VIEW);
    String yaml =
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata:\n  mode: fast\n";

    Result created =
        TestingCli.against(server, temp).stdin(yaml).run("configmap", "create", "-f", "-");
    assertThat(created.exitCode()).as(created.err()).isZero();
    assertThat(server.lastRequest().body())
        .isEqualTo("{\"name\":\"settings\",\"data\":{\"mode\":\"fast\"}}");

    Result replaced =
        TestingCli.against(server, temp)
            .run(
                "configmap",
                "replace",
                "settings",
                "--from-literal",
                "mode=fast",
                "--if-match",
                "1");
    assertThat(replaced.exitCode()).as(replaced.err()).isZero();
    assertThat(server.lastRequest().method()).isEqualTo("PUT");
    assertThat(server.lastRequest().header("If-Match")).isEqualTo("\"1\"");
    assertThat(replaced.out()).contains("configmap/settings replaced (1 key, resourceVersion 2)");
  }

  @Test
  void getShowsASecretsKeysAndSizesAndAConfigMapsValues() {
    server.respond("GET", SECRETS + "/db", 200, SECRET_VIEW);
    server.respond("GET", CONFIG_MAPS + "/settings", 200, CONFIG_MAP_VIEW);
    server.respond("GET", SECRETS, 200, "[" + SECRET_VIEW + "]");

    Result secret = TestingCli.against(server, temp).run("secret", "get", "db");
    assertThat(secret.exitCode()).as(secret.err()).isZero();
    assertThat(secret.out()).contains("Name:             db").containsPattern("password\\s+6");
    Result configMap = TestingCli.against(server, temp).run("configmap", "get", "settings");
    assertThat(configMap.out()).contains("mode: fast");
    Result list = TestingCli.against(server, temp).run("secret", "list");
    assertThat(list.out())
        .containsPattern("db\\s+password,tls.key\\s+2026-01-01T00:00:00Z\\s+alice");
  }

  @Test
  void deleteHasArenasNames() {
    server.respond("DELETE", SECRETS + "/db", 204, null);
    Result result = TestingCli.against(server, temp).run("secret", "rm", "db");
    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out().trim()).isEqualTo("secret/db deleted");
  }

  @Test
  void documentsAndFlagsCapstanCannotKeepAreRefusedBeforeSending() throws Exception {
    Path configMap =
        Files.writeString(
            temp.resolve("cm.yaml"), "kind: ConfigMap\nmetadata: {name: a}\ndata: {k: v}\n");
    Path binary =
        Files.writeString(
            temp.resolve("bin.yaml"),
            "kind: ConfigMap\nmetadata: {name: a}\nbinaryData: {k: AAEC}\n");
    Path tls =
        Files.writeString(
            temp.resolve("tls.yaml"),
            "kind: Secret\ntype: kubernetes.io/tls\nmetadata: {name: a}\n");
    Path bytes = Files.write(temp.resolve("blob"), new byte[] {(byte) 0xff, (byte) 0xfe});

    assertRefused(new String[] {"secret", "create", "-f", configMap.toString()}, "kind: Secret");
    assertRefused(new String[] {"configmap", "create", "-f", binary.toString()}, "binaryData");
    assertRefused(new String[] {"secret", "create", "-f", tls.toString()}, "kubernetes.io/tls");
    assertRefused(
        new String[] {"configmap", "create", "c", "--from-file", bytes.toString()}, "UTF-8 text");
    assertRefused(
        new String[] {"secret", "create", "-f", configMap.toString(), "--from-literal", "a=b"},
        "not both");
    assertRefused(new String[] {"secret", "create", "--from-literal", "a=b"}, "Expected NAME");
    assertRefused(new String[] {"secret", "create", "s", "--from-literal", "=b"}, "KEY=VALUE");
    assertThat(server.requests()).isEmpty();
  }

  private void assertRefused(String[] args, String message) {
    Result result = TestingCli.against(server, temp).run(args);
    assertThat(result.exitCode()).as(result.out()).isEqualTo(ExitCodes.USAGE);
    assertThat(result.err()).contains(message);
  }
}
