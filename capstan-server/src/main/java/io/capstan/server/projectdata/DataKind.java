package io.capstan.server.projectdata;

/** The two kinds of a project's named data: their database name and how messages call them. */
enum DataKind {
  SECRET("secret", "Secret"),
  CONFIG_MAP("configmap", "Config map");

  private final String column;
  private final String title;

  DataKind(String column, String title) {
    this.column = column;
    this.title = title;
  }

  /** The value of the {@code kind} column, also the audit log's kind. */
  String column() {
    return column;
  }

  /** {@code Secret 'db' of project 'vision'}. */
  String describe(String project, String name) {
    return title + " '" + name + "' of project '" + project + "'";
  }

  /** The associated data of a secret's encryption: project, kind and name. */
  String associated(String project, String name) {
    return project + "/" + column + "/" + name;
  }
}
