package io.capstan.runtime.kubernetes;

import io.capstan.runtime.PortSpec;
import io.capstan.runtime.ReplicaLaunch;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A launch's environment as a container's {@code env}: the {@code CAPSTAN_PORT_*} variables first,
 * then the launch's variables by name, except that a variable another one refers to as {@code
 * $(NAME)} comes before it. Kubernetes expands a reference only to a variable listed earlier, and
 * the launch's map has no order of its own, so this order expands every reference that is not part
 * of a cycle. Values are passed as written: Kubernetes expands them, and {@code $(VAR)} in the
 * command and args.
 */
final class ContainerEnvironment {
  private static final Pattern REFERENCE = Pattern.compile("\\$\\(([^)]*)\\)");

  private ContainerEnvironment() {}

  static List<EnvVar> of(ReplicaLaunch launch) {
    List<EnvVar> env = new ArrayList<>();
    for (PortSpec port : launch.ports()) {
      env.add(
          new EnvVarBuilder()
              .withName(port.envName())
              .withValue(Integer.toString(port.containerPort()))
              .build());
    }
    Map<String, String> byName = new TreeMap<>(launch.env());
    Set<String> placed = new LinkedHashSet<>();
    for (String name : byName.keySet()) {
      place(name, byName, placed, new LinkedHashSet<>());
    }
    for (String name : placed) {
      env.add(new EnvVarBuilder().withName(name).withValue(byName.get(name)).build());
    }
    return List.copyOf(env);
  }

  /** Places the variables {@code name} refers to, then {@code name}; a cycle is left as it is. */
  private static void place(
      String name, Map<String, String> byName, Set<String> placed, Set<String> visiting) {
    if (placed.contains(name) || !visiting.add(name)) {
      return;
    }
    Matcher references = REFERENCE.matcher(byName.get(name));
    while (references.find()) {
      String referred = references.group(1);
      if (byName.containsKey(referred)) {
        place(referred, byName, placed, visiting);
      }
    }
    placed.add(name);
  }
}
