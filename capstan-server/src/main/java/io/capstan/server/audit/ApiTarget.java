package io.capstan.server.audit;

import io.capstan.api.ApiPaths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a state-changing API call acts on, read from its method and path alone (the request body is
 * never buffered): {@code PUT /api/v1/projects/vision/models/churn/aliases/prod} is {@code set} of
 * alias {@code churn/prod} in project {@code vision}.
 *
 * @param project the project in the path, or null
 * @param kind the object's kind, or null for a path outside the API's objects
 * @param name the object's name below the project, {@code PARENT/NAME} when nested; for a call on a
 *     collection (a create) only the parents, or null
 * @param action create, set, update, delete, or the call's verb
 * @param onCollection the path ends at a collection: the new object's name is in the body
 */
record ApiTarget(String project, String kind, String name, String action, boolean onCollection) {
  private static final String PREFIX = ApiPaths.BASE + "/";
  private static final Map<String, String> KINDS =
      Map.ofEntries(
          Map.entry("users", "user"),
          Map.entry("tokens", "token"),
          Map.entry("projects", "project"),
          Map.entry("members", "member"),
          Map.entry("jobs", "job"),
          Map.entry("services", "service"),
          Map.entry("notebooks", "notebook"),
          Map.entry("experiments", "experiment"),
          Map.entry("models", "model"),
          Map.entry("versions", "version"),
          Map.entry("aliases", "alias"),
          Map.entry("secrets", "secret"),
          Map.entry("configmaps", "configmap"),
          Map.entry("environments", "environment"));
  private static final Map<String, String> VERBS =
      Map.of(
          "cancel", "cancel",
          "promote", "promote",
          "rollback", "rollback",
          "traffic", "set-traffic",
          "from-job", "create",
          "stop", "stop",
          "start", "start",
          "login", "login",
          "resume", "resume");

  static ApiTarget of(String method, String path) {
    String action =
        switch (method) {
          case "POST" -> "create";
          case "PUT" -> "set";
          case "PATCH" -> "update";
          case "DELETE" -> "delete";
          default -> method.toLowerCase(Locale.ROOT);
        };
    if (!path.startsWith(PREFIX)) {
      return new ApiTarget(null, null, null, action, false);
    }
    List<String> segments =
        List.of(path.substring(PREFIX.length()).split("/")).stream()
            .filter(s -> !s.isEmpty())
            .toList();
    String project = null;
    String kind = null;
    List<String> names = new ArrayList<>();
    boolean onCollection = false;
    int i = 0;
    if (segments.size() >= 2 && segments.get(0).equals("projects")) {
      project = segments.get(1);
      kind = "project";
      i = 2;
    }
    while (i < segments.size()) {
      String segment = segments.get(i);
      String next = i + 1 < segments.size() ? segments.get(i + 1) : null;
      if (project != null && segment.equals("quota") && next == null) {
        kind = "quota";
        i++;
      } else if (project != null && segment.equals("notebook-settings") && next == null) {
        kind = "notebook-settings";
        i++;
      } else if (KINDS.containsKey(segment)) {
        kind = KINDS.get(segment);
        onCollection = next == null;
        // Only from-job follows a collection; every other verb follows an object's name.
        if (next != null && !(next.equals("from-job") && i + 2 == segments.size())) {
          names.add(next);
          i++;
        }
        i++;
      } else if (VERBS.containsKey(segment) && kind != null && next == null) {
        action = VERBS.get(segment);
        i++;
      } else {
        // Not a path of the API's objects (a 404 in the making): keep what is known.
        return new ApiTarget(project, null, null, action, false);
      }
    }
    String name =
        kind != null
                && (kind.equals("project")
                    || kind.equals("quota")
                    || kind.equals("notebook-settings"))
            ? project
            : names.isEmpty() ? null : String.join("/", names);
    return new ApiTarget(project, kind, name, action, onCollection);
  }

  /** The object's name once the body has named it ({@code PARENT/NAME} under parents). */
  String nameWith(String bodyName) {
    if (!onCollection || bodyName == null) {
      return name;
    }
    return name == null ? bodyName : name + "/" + bodyName;
  }
}
