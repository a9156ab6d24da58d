package io.capstan.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Helm chart under {@code deploy/helm/capstan}, linted and rendered by Helm itself (helm-java
 * bundles it), and the rendered objects read back as Kubernetes objects: what an operator's {@code
 * helm install} would create, and the plain manifests that are its rendering.
 */
class HelmChartTest {
  static final Path DEPLOY = Path.of("..", "deploy").toAbsolutePath().normalize();
  static final Path CHART = DEPLOY.resolve("helm/capstan");
  static final Path EXAMPLE_VALUES = DEPLOY.resolve("manifests/values.yaml");
  static final Path MANIFESTS = DEPLOY.resolve("manifests/capstan.yaml");
  private static final KubernetesSerialization YAML = new KubernetesSerialization();

  @TempDir Path temp;

  static String render(Path values) {
    return new Helm(CHART)
        .template()
        .withName("capstan")
        .withNamespace("capstan")
        .withValuesFile(values)
        .call();
  }

  static List<HasMetadata> objects(String rendered) {
    Object parsed = YAML.unmarshal(rendered);
    if (parsed instanceof KubernetesList list) {
      return list.getItems();
    }
    if (parsed instanceof List<?> list) {
      return list.stream().map(HasMetadata.class::cast).toList();
    }
    return List.of((HasMetadata) parsed);
  }

  static <T extends HasMetadata> T only(List<HasMetadata> objects, Class<T> type) {
    List<T> found = objects.stream().filter(type::isInstance).map(type::cast).toList();
    assertThat(found).as(type.getSimpleName()).hasSize(1);
    return found.get(0);
  }

  @Test
  void theChartLintsCleanWithTheExampleValues() throws IOException {
    Path chart = copyOfChart();
    Files.copy(EXAMPLE_VALUES, chart.resolve("values-example.yaml"));
    // Lint reads the chart's own values.yaml: merge the example's settings into it.
    Files.writeString(
        chart.resolve("values.yaml"),
        Files.readString(chart.resolve("values.yaml"))
            .replace("  url: \"\"", "  url: jdbc:postgresql://postgres.capstan.svc:5432/capstan")
            .replace(
                "  existingSecret: \"\"\n  userKey",
                "  existingSecret: capstan-database\n  userKey")
            .replace(
                "  existingSecret: \"\"\n  secretsKeyKey",
                "  existingSecret: capstan-installation\n  secretsKeyKey")
            .replace("    endpoint: \"\"", "    endpoint: http://rgw.ceph.svc")
            .replace(
                "    existingSecret: \"\"\n    accessKeyKey",
                "    existingSecret: capstan-s3\n    accessKeyKey"));

    LintResult result = new Helm(chart).lint().strict().call();

    assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
  }

  @Test
  void theDeploymentStartsTheServerJarInClusterModeWithEverySecretFromSecrets() {
    List<HasMetadata> objects = objects(render(EXAMPLE_VALUES));

    Deployment deployment = only(objects, Deployment.class);
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
    assertThat(deployment.getSpec().getTemplate().getSpec().getServiceAccountName())
        .isEqualTo("capstan");
    Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(container.getCommand())
        .containsSubsequence(
            "java", "-jar", "/opt/capstan/capstan-server/target/capstan-server.jar");
    assertThat(container.getArgs())
        .contains(
            "--port=7070",
            "--capstan.runtime.kind=kubernetes",
            "--capstan.runtime.kubernetes.namespace-prefix=capstan-",
            "--capstan.runtime.kubernetes.gpu-resource=nvidia.com/gpu",
            "--capstan.runtime.kubernetes.volume-reader-image=busybox:1.37",
            "--capstan.artifacts.store=s3",
            "--capstan.artifacts.s3.endpoint=http://rook-ceph-rgw-capstan.rook-ceph.svc",
            "--capstan.artifacts.s3.bucket=capstan",
            "--capstan.runtime.kubernetes.artifact-url-lifetime=12h",
            "--capstan.leader-election.enabled=true",
            "--capstan.serving.gateway.host=0.0.0.0");
    // The init containers that download artifact mounts run the chart's own image (decision 119).
    assertThat(container.getArgs())
        .contains("--capstan.runtime.kubernetes.agent-image=" + container.getImage());
    Map<String, EnvVar> env =
        container.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
    assertThat(env.get("CAPSTAN_DATABASE_URL").getValue())
        .isEqualTo("jdbc:postgresql://postgres.capstan.svc:5432/capstan");
    for (String secret :
        List.of(
            "CAPSTAN_DATABASE_USER",
            "CAPSTAN_DATABASE_PASSWORD",
            "CAPSTAN_SECRETS_KEY",
            "CAPSTAN_ADMIN_TOKEN",
            "CAPSTAN_ARTIFACTS_S3_ACCESSKEY",
            "CAPSTAN_ARTIFACTS_S3_SECRETKEY")) {
      assertThat(env.get(secret).getValue()).as(secret + " is never a literal").isNull();
      assertThat(env.get(secret).getValueFrom().getSecretKeyRef().getName())
          .as(secret)
          .isIn("capstan-database", "capstan-installation", "capstan-s3");
    }
    assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/api/v1/health");
    assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(deployment.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsNonRoot())
        .isTrue();

    Service service = only(objects, Service.class);
    assertThat(service.getSpec().getPorts())
        .extracting(ServicePort::getName, ServicePort::getPort)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("http", 7070),
            org.assertj.core.groups.Tuple.tuple("gateway-grpc", 7071),
            org.assertj.core.groups.Tuple.tuple("gateway-http", 7072));
  }

  @Test
  void theControlPlaneGetsTheLeastRbacItNeedsAndNoWildcard() {
    List<HasMetadata> objects = objects(render(EXAMPLE_VALUES));

    ClusterRole role = only(objects, ClusterRole.class);
    Map<String, List<String>> verbs =
        role.getRules().stream()
            .flatMap(rule -> rule.getResources().stream().map(r -> Map.entry(r, rule)))
            .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().getVerbs()));
    assertThat(verbs)
        .containsOnlyKeys(
            "nodes",
            "namespaces",
            "pods",
            "pods/log",
            "pods/exec",
            "services",
            "secrets",
            "configmaps",
            "persistentvolumeclaims",
            "podtemplates",
            "provisioningrequests");
    assertThat(verbs.get("nodes")).containsExactly("get", "list", "watch");
    assertThat(verbs.get("provisioningrequests"))
        .containsExactly("get", "list", "watch", "create", "delete");
    assertThat(verbs.get("pods/log")).containsExactly("get");
    assertThat(verbs.get("pods/exec"))
        .as("the volume readers (decision 121)")
        .containsExactly("get", "create");
    assertThat(verbs.get("namespaces")).doesNotContain("delete", "update", "patch");
    assertThat(role.getRules())
        .flatExtracting(PolicyRule::getVerbs)
        .doesNotContain("*", "escalate", "bind", "impersonate");
    assertThat(role.getRules())
        .flatExtracting(PolicyRule::getApiGroups)
        .containsOnly("", "autoscaling.x-k8s.io");
    ClusterRoleBinding binding = only(objects, ClusterRoleBinding.class);
    assertThat(binding.getSubjects().get(0).getName()).isEqualTo("capstan");
    assertThat(binding.getSubjects().get(0).getNamespace()).isEqualTo("capstan");
  }

  @Test
  void anotherAgentImageAndUrlLifetimeReachTheServer() throws IOException {
    Path values = temp.resolve("agent.yaml");
    Files.writeString(
        values,
        "database: {url: 'jdbc:postgresql://db:5432/capstan', existingSecret: db}\n"
            + "installation: {existingSecret: x}\n"
            + "artifacts: {s3: {endpoint: 'http://rgw', existingSecret: s3}}\n"
            + "runtime: {agentImage: 'mirror.example.com/capstan:1.2', artifactUrlLifetime: 2h}\n");

    Container container =
        only(objects(render(values)), Deployment.class)
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0);

    assertThat(container.getArgs())
        .contains(
            "--capstan.runtime.kubernetes.agent-image=mirror.example.com/capstan:1.2",
            "--capstan.runtime.kubernetes.artifact-url-lifetime=2h");
  }

  @Test
  void valuesThatCannotWorkAreRefusedByName() throws IOException {
    Path noDatabase = temp.resolve("no-database.yaml");
    Files.writeString(noDatabase, "installation: {existingSecret: x}\n");
    assertThatThrownBy(() -> render(noDatabase)).hasMessageContaining("database.url is required");

    Path h2 = temp.resolve("h2.yaml");
    Files.writeString(
        h2,
        "database: {url: 'jdbc:h2:file:/data/db', existingSecret: db}\n"
            + "installation: {existingSecret: x}\n");
    assertThatThrownBy(() -> render(h2))
        .hasMessageContaining("database.url must be a PostgreSQL JDBC URL");

    Path noSecret = temp.resolve("no-secret.yaml");
    Files.writeString(
        noSecret, "database: {url: 'jdbc:postgresql://db/capstan', existingSecret: db}\n");
    assertThatThrownBy(() -> render(noSecret))
        .hasMessageContaining("installation.existingSecret is required");

    Path noStore = temp.resolve("no-store.yaml");
    Files.writeString(
        noStore,
        "database: {url: 'jdbc:postgresql://db/capstan', existingSecret: db}\n"
            + "installation: {existingSecret: x}\n");
    assertThatThrownBy(() -> render(noStore))
        .hasMessageContaining("artifacts.s3.endpoint is required");
    Path noKeys = temp.resolve("no-keys.yaml");
    Files.writeString(
        noKeys,
        "database: {url: 'jdbc:postgresql://db/capstan', existingSecret: db}\n"
            + "installation: {existingSecret: x}\n"
            + "artifacts: {s3: {endpoint: 'http://rgw'}}\n");
    assertThatThrownBy(() -> render(noKeys))
        .hasMessageContaining("artifacts.s3.existingSecret is required");
  }

  /**
   * The plain manifests are the chart rendered with the example values; run with {@code
   * -Dcapstan.regenerate=true} to write them after changing the chart.
   */
  @Test
  void thePlainManifestsAreTheChartsRendering() throws IOException {
    String rendered =
        "# Generated from deploy/helm/capstan with deploy/manifests/values.yaml; do not edit.\n"
            + "# Regenerate: ./mvnw -pl capstan-deploy verify -Dcapstan.regenerate=true\n"
            + render(EXAMPLE_VALUES);
    if (Boolean.getBoolean("capstan.regenerate")) {
      Files.writeString(MANIFESTS, rendered, StandardCharsets.UTF_8);
    }
    assertThat(MANIFESTS).exists();
    assertThat(Files.readString(MANIFESTS))
        .as("deploy/manifests/capstan.yaml is stale; regenerate it (see the test)")
        .isEqualTo(rendered);
  }

  private Path copyOfChart() throws IOException {
    Path copy = temp.resolve("capstan");
    try (Stream<Path> files = Files.walk(CHART)) {
      for (Path file : files.toList()) {
        Path target = copy.resolve(CHART.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(target);
        } else {
          Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    return copy;
  }
}
