package io.capstan.runtime.kubernetes;

import io.capstan.runtime.RuntimeContext;
import io.capstan.runtime.WorkloadRuntime;
import io.capstan.runtime.WorkloadRuntimeProvider;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Clock;

/**
 * {@code capstan.runtime.kind=kubernetes}: the {@link KubernetesRuntime} on the cluster that {@code
 * capstan.runtime.kubernetes.kubeconfig} and {@code context} name, or, without them, the one the
 * control plane runs in (its service account) or kubectl's default. Found by {@link
 * java.util.ServiceLoader}.
 */
public final class KubernetesRuntimeProvider implements WorkloadRuntimeProvider {
  @Override
  public String kind() {
    return "kubernetes";
  }

  @Override
  public WorkloadRuntime create(RuntimeContext context) {
    KubernetesRuntimeConfig config = KubernetesRuntimeConfig.from(context);
    return new KubernetesRuntime(client(config), config, context.artifacts(), Clock.systemUTC());
  }

  /** A client of the configured cluster. */
  static KubernetesClient client(KubernetesRuntimeConfig config) {
    Config clientConfig =
        config.kubeconfig() == null
            ? Config.autoConfigure(config.context())
            : Config.fromKubeconfig(config.context(), config.kubeconfig().toFile());
    return new KubernetesClientBuilder().withConfig(clientConfig).build();
  }
}
