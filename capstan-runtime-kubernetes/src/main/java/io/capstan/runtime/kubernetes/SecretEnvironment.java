package io.capstan.runtime.kubernetes;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.capstan.runtime.ReplicaLaunch;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * A launch's secret variables ({@link ReplicaLaunch#secretEnv()}, a notebook's token) as {@code
 * secretKeyRef}s to a Secret of the pod, {@code <pod>-env}, labelled as the pod (so a release
 * deletes it): whoever may read the pod's spec does not read the values.
 */
final class SecretEnvironment {
  private final String secretName;
  private final Map<String, String> keys;
  private final Secret secret;

  private SecretEnvironment(String secretName, Map<String, String> keys, Secret secret) {
    this.secretName = secretName;
    this.keys = keys;
    this.secret = secret;
  }

  static SecretEnvironment of(ReplicaLaunch launch, ObjectMeta pod) {
    String name = KubernetesNames.label(pod.getName() + "-env");
    if (launch.secretEnv().isEmpty()) {
      return new SecretEnvironment(name, Map.of(), null);
    }
    Map<String, String> keys = new LinkedHashMap<>();
    Map<String, String> data = new LinkedHashMap<>();
    // A variable's name need not be a valid Secret key: each value gets a key of its own.
    for (String variable : new TreeSet<>(launch.secretEnv())) {
      String key = "env-" + keys.size();
      keys.put(variable, key);
      data.put(key, Base64.getEncoder().encodeToString(launch.env().get(variable).getBytes(UTF_8)));
    }
    Secret secret =
        new SecretBuilder()
            .withMetadata(
                new ObjectMetaBuilder()
                    .withName(name)
                    .withNamespace(pod.getNamespace())
                    .withLabels(new LinkedHashMap<>(pod.getLabels()))
                    .build())
            .withType("Opaque")
            .withData(data)
            .build();
    return new SecretEnvironment(name, keys, secret);
  }

  /** The Secret to create before the pod, if the launch has secret variables. */
  Optional<Secret> secret() {
    return Optional.ofNullable(secret);
  }

  /** {@code env} with each secret variable's value replaced by a reference to the Secret. */
  List<EnvVar> apply(List<EnvVar> env) {
    List<EnvVar> result = new ArrayList<>();
    for (EnvVar variable : env) {
      String key = keys.get(variable.getName());
      result.add(
          key == null
              ? variable
              : new EnvVarBuilder()
                  .withName(variable.getName())
                  .withNewValueFrom()
                  .withNewSecretKeyRef()
                  .withName(secretName)
                  .withKey(key)
                  .endSecretKeyRef()
                  .endValueFrom()
                  .build());
    }
    return List.copyOf(result);
  }
}
