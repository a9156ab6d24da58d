package io.capstan.cli.projectdata;

import io.capstan.api.ApiPaths;

/** The two commands' differences: names, paths and the Kubernetes kind a file must declare. */
enum DataKind {
  SECRET("secret", "Secret", ApiPaths.SECRETS, ApiPaths.SECRET),
  CONFIG_MAP("configmap", "ConfigMap", ApiPaths.CONFIG_MAPS, ApiPaths.CONFIG_MAP);

  final String command;
  final String kubernetesKind;
  final String collection;
  final String object;

  DataKind(String command, String kubernetesKind, String collection, String object) {
    this.command = command;
    this.kubernetesKind = kubernetesKind;
    this.collection = collection;
    this.object = object;
  }
}
