package io.capstan.server.dataset;

/** Where a dataset version lives in the artifact store. */
final class DatasetKeys {
  private DatasetKeys() {}

  /** The folder of a dataset: {@code datasets/<project>/<name>}. */
  static String dataset(String project, String name) {
    return "datasets/" + project + "/" + name;
  }

  /** The folder of a version's files: what a job mounts. */
  static String versionFolder(String project, String name, int version) {
    return dataset(project, name) + "/v" + version;
  }

  /** The version's manifest, beside (not inside) its folder. */
  static String manifest(String project, String name, int version) {
    return dataset(project, name) + "/manifests/" + version + ".tsv";
  }
}
