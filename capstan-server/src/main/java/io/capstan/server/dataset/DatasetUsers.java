package io.capstan.server.dataset;

import java.util.List;

/**
 * Who mounts a dataset version now, so it is not deleted under them: the unfinished jobs ({@link
 * JobDatasetUsers}); a notebook feature adds a bean of its own. Each user is named {@code kind
 * project/name}, such as {@code job team-a/train}.
 */
public interface DatasetUsers {
  /**
   * The users of version {@code version} (any version when null) of dataset {@code name} of {@code
   * project}, among the workloads of {@code projects} (the owner and those it is shared with).
   */
  List<String> users(String project, String name, Integer version, List<String> projects);
}
